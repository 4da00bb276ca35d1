import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
} from '@temporalio/client';
import type { Client, WorkflowExecutionInfo, WorkflowHandle } from '@temporalio/client';
import type { DocflowConfig } from './config/load';
import { pipelineSettings } from './config/load';
import type { DocumentAnalysis } from './core/analysis';
import { documentId, sha256Hex } from './core/doc-id';
import { permanentError } from './core/errors';
import { getTask } from './core/tasks';
import { corpusWorkflowId, documentWorkflowId, isValidBatchId, storeKeys } from './shared/ids';
import { corpusProgressQuery, jobProgressQuery, progressQuery } from './shared/messages';
import {
  BatchIdAttribute,
  ModelAttribute,
  PriorityAttribute,
  StageAttribute,
  TaskAttribute,
} from './shared/search-attributes';
import type {
  AnalyzeCorpusInput,
  BatchJobProgress,
  AnalyzeDocumentInput,
  CorpusOutcome,
  CorpusProgress,
  CorpusSource,
  DocumentOutcome,
  DocumentProgress,
  DocumentSource,
  PipelineSettings,
  Priority,
} from './shared/types';
import type { ObjectStore } from './store/object-store';
import type { analyzeCorpus, analyzeDocument } from './workflows';

export interface StartDocumentOptions {
  /** A local file (uploaded to the store) or an object already in the store. */
  file?: string;
  source?: DocumentSource;
  priority?: Priority;
  batchId?: string;
  settings?: Partial<PipelineSettings>;
}

export interface StartedDocument {
  docId: string;
  workflowId: string;
  /** `started`: a new run; `running`: attached to the run already analysing this content; `completed`: done before. */
  state: 'started' | 'running' | 'completed';
}

export interface StartCorpusOptions {
  batchId?: string;
  /** Local files, readable by the workers (embedded mode), or objects in the store. */
  files?: string[];
  uris?: DocumentSource[];
  prefixUri?: string;
  priority?: Priority;
  window?: number;
  settings?: Partial<PipelineSettings>;
}

export interface ListedWorkflow {
  workflowId: string;
  type: string;
  status: string;
  batchId?: string;
  stage?: string;
  model?: string;
  startTime?: Date;
  closeTime?: Date;
}

export interface ListFilter {
  status?: 'Running' | 'Completed' | 'Failed' | 'Canceled' | 'Terminated' | 'TimedOut';
  batchId?: string;
  model?: string;
  type?: 'analyzeDocument' | 'analyzeCorpus' | 'batchCollector' | 'bedrockBatchJob';
  limit?: number;
}

/**
 * The typed API other services use to drive docflow: start documents and corpora with idempotent ids,
 * follow their progress, fetch results, cancel and retry, list.
 */
export class DocflowClient {
  constructor(
    readonly temporal: Client,
    readonly config: DocflowConfig,
    readonly store: ObjectStore,
  ) {}

  private settings(overrides?: Partial<PipelineSettings>): PipelineSettings {
    return pipelineSettings(this.config, overrides);
  }

  /** Uploads a local file into the store (once per content) and returns its source reference and hash. */
  async uploadFile(path: string): Promise<{ source: DocumentSource; sha256: string; bytes: Buffer }> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      throw permanentError('NOT_FOUND', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    const sha256 = sha256Hex(bytes);
    const name = basename(path);
    const uri = `${this.config.store.uri.replace(/\/+$/, '')}/${storeKeys.source(sha256, name)}`;
    if (!(await this.store.head(uri))) await this.store.put(uri, bytes);
    return { source: { uri, name }, sha256, bytes };
  }

  /**
   * Starts (or attaches to) the analysis of one document. The workflow id derives from content, task and model:
   * the same file with the same task never runs twice at once, and a completed one is not paid for again.
   */
  async startDocument(options: StartDocumentOptions): Promise<StartedDocument> {
    const settings = this.settings(options.settings);
    let source: DocumentSource;
    let sha256: string;
    if (options.file) {
      ({ source, sha256 } = await this.uploadFile(options.file));
    } else if (options.source) {
      source = options.source;
      sha256 = sha256Hex(await this.store.get(source.uri));
    } else {
      throw permanentError('INVALID_INPUT', 'startDocument needs a file or a source');
    }
    const task = getTask(settings.taskId);
    const docId = documentId(sha256, task.id, task.version, settings.modelId);
    const workflowId = documentWorkflowId(docId);
    const priority = options.priority ?? this.config.pipeline.priority;
    const input: AnalyzeDocumentInput = { docId, source, batchId: options.batchId, priority, settings };

    const existing = await this.describe(workflowId);
    if (existing?.status.name === 'RUNNING') return { docId, workflowId, state: 'running' };
    if (existing?.status.name === 'COMPLETED') return { docId, workflowId, state: 'completed' };
    try {
      await this.temporal.workflow.start<typeof analyzeDocument>('analyzeDocument', {
        workflowId,
        taskQueue: this.config.temporal.taskQueue,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        typedSearchAttributes: [
          { key: ModelAttribute, value: settings.modelId },
          { key: TaskAttribute, value: settings.taskId },
          { key: PriorityAttribute, value: priority },
          { key: StageAttribute, value: 'queued' },
          ...(options.batchId ? [{ key: BatchIdAttribute, value: options.batchId }] : []),
        ],
        staticSummary: `Analyse ${source.name} (${settings.taskId})`,
      });
      return { docId, workflowId, state: 'started' };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { docId, workflowId, state: 'completed' };
      throw err;
    }
  }

  /** Starts a corpus run; the batch id is generated when not given. Starting an existing batch id attaches to it. */
  async startCorpus(options: StartCorpusOptions): Promise<{ batchId: string; workflowId: string; attached: boolean }> {
    const batchId = options.batchId ?? newBatchId();
    if (!isValidBatchId(batchId)) {
      throw permanentError(
        'INVALID_INPUT',
        `invalid batch id "${batchId}": use lowercase letters, digits and dashes (max 63)`,
      );
    }
    const workflowId = corpusWorkflowId(batchId);
    if (!options.files?.length && !options.uris?.length && !options.prefixUri) {
      throw permanentError('INVALID_INPUT', 'a corpus needs files, uris or an s3:// prefix');
    }
    const existing = await this.describe(workflowId);
    if (existing) return { batchId, workflowId, attached: true };
    let source: CorpusSource;
    if (options.files?.length || options.uris?.length) {
      // The list goes to the store, not into the workflow's input: a corpus of any size starts with a small payload.
      const key = storeKeys.corpusSources(batchId);
      const list = options.files?.length ? { paths: options.files } : { uris: options.uris };
      await this.store.put(`${this.config.store.uri.replace(/\/+$/, '')}/${key}`, JSON.stringify(list), {
        contentType: 'application/json',
      });
      source = { kind: 'listed', key };
    } else {
      source = { kind: 'prefix', prefixUri: options.prefixUri as string };
    }
    const settings = this.settings(options.settings);
    getTask(settings.taskId);
    const priority = options.priority ?? this.config.pipeline.priority;
    const input: AnalyzeCorpusInput = {
      batchId,
      source,
      priority,
      settings,
      window: options.window ?? this.config.pipeline.corpusWindow,
    };
    await this.temporal.workflow.start<typeof analyzeCorpus>('analyzeCorpus', {
      workflowId,
      taskQueue: this.config.temporal.taskQueue,
      args: [input],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      typedSearchAttributes: [
        { key: BatchIdAttribute, value: batchId },
        { key: ModelAttribute, value: settings.modelId },
        { key: TaskAttribute, value: settings.taskId },
        { key: PriorityAttribute, value: priority },
        { key: StageAttribute, value: 'listing' },
      ],
      staticSummary: `Corpus ${batchId}: ${settings.taskId} with ${settings.modelId}`,
    });
    return { batchId, workflowId, attached: false };
  }

  documentHandle(docIdOrWorkflowId: string): WorkflowHandle<typeof analyzeDocument> {
    return this.temporal.workflow.getHandle(toDocumentWorkflowId(docIdOrWorkflowId));
  }

  corpusHandle(batchIdOrWorkflowId: string): WorkflowHandle<typeof analyzeCorpus> {
    return this.temporal.workflow.getHandle(toCorpusWorkflowId(batchIdOrWorkflowId));
  }

  async documentProgress(docIdOrWorkflowId: string): Promise<DocumentProgress> {
    return this.documentHandle(docIdOrWorkflowId).query(progressQuery);
  }

  async corpusProgress(batchId: string): Promise<CorpusProgress> {
    return this.corpusHandle(batchId).query(corpusProgressQuery);
  }

  async awaitDocument(docIdOrWorkflowId: string): Promise<DocumentOutcome> {
    return this.documentHandle(docIdOrWorkflowId).result();
  }

  async awaitCorpus(batchId: string): Promise<CorpusOutcome> {
    return this.corpusHandle(batchId).result();
  }

  /** The merged analysis of a completed document (`result.json`). */
  async documentResult(docId: string): Promise<{ analysis: DocumentAnalysis } & Record<string, unknown>> {
    const uri = `${this.config.store.uri.replace(/\/+$/, '')}/${storeKeys.documentResult(docId)}`;
    return JSON.parse(await this.store.getText(uri)) as { analysis: DocumentAnalysis } & Record<string, unknown>;
  }

  async cancelDocument(docIdOrWorkflowId: string): Promise<void> {
    await this.documentHandle(docIdOrWorkflowId).cancel();
  }

  async cancelCorpus(batchId: string): Promise<void> {
    await this.corpusHandle(batchId).cancel();
  }

  /**
   * Runs again what failed. For a document: a new run of its workflow with the same input (allowed because the
   * last run failed or was cancelled). For a batch: the corpus again; its completed documents attach to their
   * finished runs and are not paid for twice, failed and cancelled ones run again, and the summary is rewritten.
   */
  async retry(id: string): Promise<{ workflowId: string; kind: 'document' | 'corpus' }> {
    const corpus = await this.describe(toCorpusWorkflowId(id));
    const target = corpus ? toCorpusWorkflowId(id) : toDocumentWorkflowId(id);
    const description = corpus ?? (await this.describe(target));
    if (!description) throw permanentError('NOT_FOUND', `no document or batch "${id}"`);
    const status = description.status.name;
    if (status === 'RUNNING') throw permanentError('INVALID_INPUT', `${target} is still running: nothing to retry`);
    if (!corpus && status === 'COMPLETED') {
      throw permanentError('INVALID_INPUT', `${target} completed: its result is kept and is not paid for again`);
    }
    const [input] = await this.startInput(target);
    // A corpus that continued as new carries its progress in `resume`: a retry starts from the manifest again.
    if (corpus && input && typeof input === 'object') delete (input as { resume?: unknown }).resume;
    await this.temporal.workflow.start(description.type, {
      workflowId: target,
      taskQueue: this.config.temporal.taskQueue,
      args: [input],
      workflowIdReusePolicy: corpus
        ? WorkflowIdReusePolicy.ALLOW_DUPLICATE
        : WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      typedSearchAttributes: description.typedSearchAttributes,
    });
    return { workflowId: target, kind: corpus ? 'corpus' : 'document' };
  }

  /**
   * The dead-letter view: the batch's documents whose latest run failed or was cancelled, grouped by reason and
   * largest group first. The visibility store lists every run, so only each document's newest run counts: a
   * document retried since is not shown with its old failure.
   */
  async failures(
    batchId: string,
  ): Promise<{ reason: string; documents: { docId: string; name: string; status: string }[] }[]> {
    const latest = new Map<string, ListedWorkflow>();
    for (const wf of await this.list({ batchId, type: 'analyzeDocument' })) {
      const seen = latest.get(wf.workflowId);
      if (!seen || (wf.startTime?.getTime() ?? 0) > (seen.startTime?.getTime() ?? 0)) latest.set(wf.workflowId, wf);
    }
    const groups = new Map<string, { docId: string; name: string; status: string }[]>();
    for (const wf of latest.values()) {
      if (wf.status === 'RUNNING' || wf.status === 'COMPLETED' || wf.status === 'CONTINUED_AS_NEW') continue;
      const docId = wf.workflowId.replace(/^docflow-doc-/, '');
      const status = wf.status === 'CANCELLED' ? 'cancelled' : wf.status.toLowerCase().replace(/_/g, '-');
      const outcome = await this.readStoreJson<DocumentOutcome>(storeKeys.documentOutcome(docId));
      const reason = outcome?.failureReason ?? (status === 'cancelled' ? 'cancelled' : `workflow ${status}`);
      const list = groups.get(reason) ?? [];
      list.push({ docId, name: outcome?.name ?? docId, status });
      groups.set(reason, list);
    }
    return [...groups.entries()]
      .map(([reason, documents]) => ({ reason, documents }))
      .sort((a, b) => b.documents.length - a.documents.length);
  }

  /**
   * The Bedrock batch jobs of this deployment's task queue, newest first, each with its progress (status, attempt,
   * record counters, documents served). A job whose workers are gone does not hang the listing: its progress query
   * gives up after `queryDeadlineMs` and the job comes back with its workflow status only.
   */
  async jobs(
    filter: { status?: ListFilter['status']; limit?: number; queryDeadlineMs?: number } = {},
  ): Promise<{ workflowId: string; runId: string; workflowStatus: string; progress?: BatchJobProgress }[]> {
    const clauses = [
      `WorkflowType = 'bedrockBatchJob'`,
      `TaskQueue = '${escapeQuery(this.config.temporal.taskQueue)}'`,
    ];
    if (filter.status) clauses.push(`ExecutionStatus = '${filter.status}'`);
    const workflows: WorkflowExecutionInfo[] = [];
    for await (const wf of this.temporal.workflow.list({ query: clauses.join(' AND ') })) {
      workflows.push(wf);
      if (filter.limit && workflows.length >= filter.limit) break;
    }
    const deadline = filter.queryDeadlineMs ?? 5_000;
    return Promise.all(
      workflows.map(async (wf) => {
        const base = { workflowId: wf.workflowId, runId: wf.runId, workflowStatus: wf.status.name };
        try {
          const progress = await this.temporal.connection.withDeadline(Date.now() + deadline, () =>
            this.temporal.workflow.getHandle(wf.workflowId, wf.runId).query(jobProgressQuery),
          );
          return { ...base, progress };
        } catch {
          return base;
        }
      }),
    );
  }

  /** The arguments a workflow was started with, from the first event of its history. */
  private async startInput(workflowId: string): Promise<unknown[]> {
    const history = await this.temporal.workflow.getHandle(workflowId).fetchHistory();
    const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    return payloads.map((p) => this.temporal.options.loadedDataConverter.payloadConverter.fromPayload(p));
  }

  private async readStoreJson<T>(key: string): Promise<T | undefined> {
    const uri = `${this.config.store.uri.replace(/\/+$/, '')}/${key}`;
    if (!(await this.store.head(uri))) return undefined;
    return JSON.parse(await this.store.getText(uri)) as T;
  }

  /** Lists docflow's workflows through the visibility store, by search attributes. */
  async list(filter: ListFilter = {}): Promise<ListedWorkflow[]> {
    const clauses: string[] = [];
    clauses.push(
      filter.type ? `WorkflowType = '${filter.type}'` : `WorkflowType IN ('analyzeDocument', 'analyzeCorpus')`,
    );
    if (filter.status) clauses.push(`ExecutionStatus = '${filter.status}'`);
    if (filter.batchId) clauses.push(`${BatchIdAttribute.name} = '${escapeQuery(filter.batchId)}'`);
    if (filter.model) clauses.push(`${ModelAttribute.name} = '${escapeQuery(filter.model)}'`);
    const out: ListedWorkflow[] = [];
    for await (const wf of this.temporal.workflow.list({ query: clauses.join(' AND ') })) {
      out.push(listed(wf));
      if (filter.limit && out.length >= filter.limit) break;
    }
    return out;
  }

  private async describe(workflowId: string) {
    try {
      return await this.temporal.workflow.getHandle(workflowId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }
}

function listed(wf: WorkflowExecutionInfo): ListedWorkflow {
  const sa = wf.typedSearchAttributes;
  return {
    workflowId: wf.workflowId,
    type: wf.type,
    status: wf.status.name,
    batchId: sa.get(BatchIdAttribute),
    stage: sa.get(StageAttribute),
    model: sa.get(ModelAttribute),
    startTime: wf.startTime,
    closeTime: wf.closeTime,
  };
}

function escapeQuery(value: string): string {
  return value.replace(/'/g, "\\'");
}

export function toDocumentWorkflowId(docIdOrWorkflowId: string): string {
  return docIdOrWorkflowId.startsWith('docflow-doc-') ? docIdOrWorkflowId : documentWorkflowId(docIdOrWorkflowId);
}

export function toCorpusWorkflowId(batchIdOrWorkflowId: string): string {
  return batchIdOrWorkflowId.startsWith('docflow-corpus-')
    ? batchIdOrWorkflowId
    : corpusWorkflowId(batchIdOrWorkflowId);
}

/** A readable, sortable batch id: `b-20261126-143005-7f3a`. */
export function newBatchId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `b-${stamp}-${Math.random().toString(16).slice(2, 6)}`;
}
