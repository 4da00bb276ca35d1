import type { Command } from 'commander';
import { openSession } from '../../embedded/session';
import type { Session } from '../../embedded/session';
import { collectorWorkflowId } from '../../shared/ids';
import { corpusProgressQuery, flushNowSignal, progressQuery, statusQuery } from '../../shared/messages';
import { loadCliConfig, output } from '../context';
import { interrupted } from './watch';

/** `docflow dev`: the embedded Temporal server, Bedrock emulator and worker, kept running for other commands. */
export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('Run the local Temporal dev server, Bedrock emulator and a worker until Ctrl+C.')
    .action(async (_flags: unknown, command: Command) => {
      const stop = interrupted();
      const session = await openSession(loadCliConfig(command), {
        role: 'dev',
        log: (m) => process.stderr.write(`${m}\n`),
      });
      try {
        output(command, session.embedded, () => renderDev(session));
        const ended = await Promise.race([
          stop.signal,
          session.workerStopped?.then(
            () => 'worker stopped' as const,
            (err: unknown) => `worker failed: ${(err as Error).message}`,
          ),
        ]);
        process.stderr.write(`Stopping (${ended})...\n`);
      } finally {
        stop.dispose();
        await session.close();
      }
      process.stderr.write('Stopped. Workflows are kept: `docflow dev` again resumes them.\n');
    });
}

function renderDev(session: Session): string {
  const e = session.embedded;
  if (!e) return '';
  const ns = session.config.temporal.namespace;
  const t = `temporal --address ${e.address} --namespace ${ns}`;
  const collector = collectorWorkflowId(session.config.bedrock.modelId, e.taskQueue);
  return [
    'docflow dev is running.',
    `  Temporal:        ${e.address} (namespace ${ns}; state in ${e.dataDir}/temporal.db, log ${e.temporalLog})`,
    `  Web UI:          ${e.uiUrl}/namespaces/${ns}/workflows`,
    `  Bedrock emulator: ${e.emulatorEndpoint} (counters: ${e.emulatorEndpoint}/_docflow/counters)`,
    `  Store:           ${e.storeRoot}`,
    `  Worker:          task queues ${e.taskQueue} and ${session.config.temporal.bedrockTaskQueue} (log ${e.workerLog})`,
    '',
    'In another terminal:',
    '  docflow analyze examples/contracts --no-wait',
    '  docflow watch <batch id>      docflow status <id>      docflow result <id>',
    '',
    'With the Temporal CLI:',
    `  ${t} workflow list --query "WorkflowType='analyzeCorpus'"`,
    `  ${t} workflow list --query "DocflowBatchId='<batch id>' AND ExecutionStatus='Running'"`,
    `  ${t} workflow query --workflow-id docflow-corpus-<batch id> --name ${corpusProgressQuery.name}`,
    `  ${t} workflow query --workflow-id docflow-doc-<document id> --name ${progressQuery.name}`,
    `  ${t} workflow query --workflow-id ${collector} --name ${statusQuery.name}`,
    `  ${t} workflow signal --workflow-id ${collector} --name ${flushNowSignal.name}`,
    `  ${t} workflow cancel --workflow-id docflow-corpus-<batch id>`,
    '',
    'Press Ctrl+C to stop.',
  ].join('\n');
}
