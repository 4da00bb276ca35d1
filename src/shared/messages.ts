/**
 * Signals, queries and updates of docflow's workflows, shared by the workflows, the activities that signal them and
 * clients (the CLI, other services, `temporal workflow signal/query/update`, whose names are the strings below).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  BatchJobProgress,
  ChunkResultsMessage,
  CollectorSettings,
  CollectorStatus,
  CorpusProgress,
  DocumentFinishedMessage,
  DocumentProgress,
  DocumentWatcher,
  EnqueuedMessage,
  GoOnDemandMessage,
  JobFinishedMessage,
  JobStartedMessage,
  RecordsComingMessage,
} from './types';

// analyzeDocument
export const progressQuery = defineQuery<DocumentProgress>('progress');
export const chunkResultsSignal = defineSignal<[ChunkResultsMessage]>('chunkResults');
export const goOnDemandSignal = defineSignal<[GoOnDemandMessage]>('goOnDemand');
/** Another corpus wants to hear when this document ends (it found the document already running). */
export const watchDocumentSignal = defineSignal<[DocumentWatcher]>('watchDocument');

// batchCollector
export const statusQuery = defineQuery<CollectorStatus>('status');
export const enqueuedSignal = defineSignal<[EnqueuedMessage]>('enqueued');
export const recordsComingSignal = defineSignal<[RecordsComingMessage]>('recordsComing');
/** A document withdrew records it had enqueued (cancelled or failed): `records` is what it took out of the queue. */
export const withdrawnSignal = defineSignal<[{ docId: string; records: number; bytes: number }]>('withdrawn');
export const jobFinishedSignal = defineSignal<[JobFinishedMessage]>('jobFinished');
/** A job was first seen processing records: how long Bedrock took to start it, for the sizing of the next jobs. */
export const jobStartedSignal = defineSignal<[JobStartedMessage]>('jobStarted');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const flushNowSignal = defineSignal('flushNow');
/** Changes the collector's limits; invalid values are rejected before they reach the workflow's history. */
export const updateLimitsUpdate = defineUpdate<CollectorSettings, [Partial<CollectorSettings>]>('updateLimits');

// bedrockBatchJob
export const jobProgressQuery = defineQuery<BatchJobProgress>('jobProgress');

// analyzeCorpus
export const corpusProgressQuery = defineQuery<CorpusProgress>('corpusProgress');
export const documentFinishedSignal = defineSignal<[DocumentFinishedMessage]>('documentFinished');
