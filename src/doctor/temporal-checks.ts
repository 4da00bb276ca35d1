import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { DocflowConfig } from '../config/load';
import { searchAttributeCliArgs, searchAttributeKeys } from '../shared/search-attributes';
import { errorSummary, fail, ok, skip, warn } from './check';
import type { CheckResult } from './check';
import { temporalConnectionOptions } from '../temporal/connection';

const GRPC_NOT_FOUND = 5;
const GRPC_PERMISSION_DENIED = 7;
const GRPC_UNAUTHENTICATED = 16;

const grpcCode = (err: unknown): number | undefined => (err as { code?: unknown }).code as number | undefined;

/** Connects to the configured Temporal frontend; the connection (when there is one) serves the other Temporal checks. */
export async function checkTemporalConnection(
  config: DocflowConfig,
  connectTimeoutMs = 5_000,
): Promise<{ result: CheckResult; connection?: Connection }> {
  const title = 'Temporal server';
  const address = config.temporal.address;
  if (!address) {
    return {
      result: warn(
        'temporal',
        title,
        'no Temporal address is configured: commands use the embedded dev server',
        'run `docflow dev` for the embedded server, or set TEMPORAL_ADDRESS (or --address) to check a cluster',
      ),
    };
  }
  let connection: Connection;
  try {
    connection = await Connection.connect({
      ...temporalConnectionOptions(config, address),
      connectTimeout: connectTimeoutMs,
    });
  } catch (err) {
    return {
      result: fail(
        'temporal',
        title,
        'unavailable',
        `cannot reach Temporal at ${address}: ${errorSummary(err)}`,
        'start the server (`docflow dev`, or docker-compose.temporal.yml), or point TEMPORAL_ADDRESS / --address ' +
          'at a running frontend (host:port); for Temporal Cloud set TEMPORAL_API_KEY or DOCFLOW_TEMPORAL_TLS=true',
      ),
    };
  }
  try {
    const info = await connection.workflowService.getSystemInfo({});
    const version = info.serverVersion ? ` (server ${info.serverVersion})` : '';
    return { result: ok('temporal', title, `reachable at ${address}${version}`), connection };
  } catch (err) {
    await connection.close();
    const denied = grpcCode(err) === GRPC_PERMISSION_DENIED || grpcCode(err) === GRPC_UNAUTHENTICATED;
    return {
      result: fail(
        'temporal',
        title,
        denied ? 'config' : 'unavailable',
        `Temporal at ${address} did not answer: ${errorSummary(err)}`,
        denied
          ? 'check TEMPORAL_API_KEY and the TLS setting (DOCFLOW_TEMPORAL_TLS)'
          : 'check that the address is a Temporal frontend (gRPC port, 7233 by default) and that it is healthy',
      ),
    };
  }
}

export async function checkNamespace(connection: Connection, namespace: string): Promise<CheckResult> {
  const title = 'Temporal namespace';
  try {
    const described = await connection.workflowService.describeNamespace({ namespace });
    const retention = described.config?.workflowExecutionRetentionTtl?.seconds;
    const days = retention ? `, retention ${Math.round(Number(retention) / 86_400)} d` : '';
    return ok('namespace', title, `namespace "${namespace}" exists${days}`);
  } catch (err) {
    if (grpcCode(err) === GRPC_NOT_FOUND) {
      return fail(
        'namespace',
        title,
        'config',
        `namespace "${namespace}" does not exist`,
        `create it (\`temporal operator namespace create --namespace ${namespace}\`) or set TEMPORAL_NAMESPACE / ` +
          '--namespace to an existing one',
      );
    }
    return fail(
      'namespace',
      title,
      'unavailable',
      `cannot describe namespace "${namespace}": ${errorSummary(err)}`,
      'check that the credentials may read the namespace and that the server is healthy',
    );
  }
}

const INDEXED_TYPES: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** docflow's custom search attributes (batch id, stage, model, task, priority) must exist with the right types. */
export async function checkSearchAttributes(connection: Connection, namespace: string): Promise<CheckResult> {
  const title = 'Search attributes';
  let registered: Record<string, temporal.api.enums.v1.IndexedValueType>;
  try {
    const response = await connection.operatorService.listSearchAttributes({ namespace });
    registered = response.customAttributes ?? {};
  } catch (err) {
    return fail(
      'search-attributes',
      title,
      'unavailable',
      `cannot list the search attributes of "${namespace}": ${errorSummary(err)}`,
      'check that the credentials may use the operator service (Temporal Cloud: manage attributes in the Cloud UI or tcld)',
    );
  }
  const missing = searchAttributeKeys.filter((k) => registered[k.name] === undefined);
  const wrongType = searchAttributeKeys.filter(
    (k) => registered[k.name] !== undefined && registered[k.name] !== INDEXED_TYPES[k.type],
  );
  if (missing.length === 0 && wrongType.length === 0) {
    return ok('search-attributes', title, `${searchAttributeKeys.map((k) => k.name).join(', ')} registered`);
  }
  const problems = [
    ...(missing.length ? [`missing ${missing.map((k) => k.name).join(', ')}`] : []),
    ...(wrongType.length ? [`wrong type: ${wrongType.map((k) => `${k.name} (want ${k.type})`).join(', ')}`] : []),
  ];
  const create = searchAttributeCliArgs()
    .filter((arg) => missing.some((k) => arg.startsWith(`${k.name}=`)))
    .map((arg) => {
      const [name, type] = arg.split('=');
      return `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type ${type}`;
    });
  return fail(
    'search-attributes',
    title,
    'config',
    `namespace "${namespace}": ${problems.join('; ')}`,
    create.length
      ? `register them: ${create.join(' && ')} (deploy/ sets them up for the self-hosted compose)`
      : 'remove and re-create the attributes with the right types',
  );
}

/** Someone must poll the workflow queue (workflows and pipeline activities) and the Bedrock activity queue. */
export async function checkWorkers(
  connection: Connection,
  namespace: string,
  queues: { taskQueue: string; bedrockTaskQueue: string },
): Promise<CheckResult> {
  const title = 'Workers';
  const { TaskQueueType, TaskQueueKind } = temporal.api.enums.v1;
  const wanted = [
    { name: queues.taskQueue, type: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, label: 'workflow' },
    { name: queues.taskQueue, type: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY, label: 'activity' },
    { name: queues.bedrockTaskQueue, type: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY, label: 'activity' },
  ];
  const idle: string[] = [];
  const polled: string[] = [];
  try {
    for (const queue of wanted) {
      const described = await connection.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: queue.name, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: queue.type,
      });
      const pollers = described.pollers?.length ?? 0;
      (pollers > 0 ? polled : idle).push(`${queue.name} (${queue.label}${pollers > 0 ? `, ${pollers} pollers` : ''})`);
    }
  } catch (err) {
    return fail(
      'workers',
      title,
      'unavailable',
      `cannot describe the task queues: ${errorSummary(err)}`,
      'check that the server is healthy and the credentials may describe task queues',
    );
  }
  if (idle.length === 0) return ok('workers', title, `polled: ${polled.join(', ')}`);
  return warn(
    'workers',
    title,
    `no worker polls ${idle.join(', ')}: work waits until one does`,
    'start a worker with the same configuration (`docflow worker`); check DOCFLOW_TASK_QUEUE and ' +
      'DOCFLOW_BEDROCK_TASK_QUEUE match the workers',
  );
}

/** The check that cannot run because Temporal is not reachable. */
export function skippedForTemporal(id: string, title: string): CheckResult {
  return skip(id, title, 'skipped: Temporal is not reachable');
}
