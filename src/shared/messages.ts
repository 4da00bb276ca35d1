/**
 * Signals and queries of docflow's workflows, shared by the workflows, the activities that signal them and
 * clients (the CLI, other services, `temporal workflow signal/query`, whose names are the strings below).
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type {
  BatchJobProgress,
  ChunkResultsMessage,
  CollectorSettings,
  CollectorStatus,
  CorpusProgress,
  DocumentProgress,
  GoOnDemandMessage,
  JobFinishedMessage,
  RecordGroup,
} from './types';

// analyzeDocument
export const progressQuery = defineQuery<DocumentProgress>('progress');
export const chunkResultsSignal = defineSignal<[ChunkResultsMessage]>('chunkResults');
export const goOnDemandSignal = defineSignal<[GoOnDemandMessage]>('goOnDemand');

// batchCollector
export const statusQuery = defineQuery<CollectorStatus>('status');
export const enqueueRecordsSignal = defineSignal<[RecordGroup]>('enqueueRecords');
export const withdrawRecordsSignal = defineSignal<[{ docWorkflowId: string }]>('withdrawRecords');
export const jobFinishedSignal = defineSignal<[JobFinishedMessage]>('jobFinished');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const flushNowSignal = defineSignal('flushNow');
export const updateLimitsSignal = defineSignal<[Partial<CollectorSettings>]>('updateLimits');

// bedrockBatchJob
export const jobProgressQuery = defineQuery<BatchJobProgress>('jobProgress');

// analyzeCorpus
export const corpusProgressQuery = defineQuery<CorpusProgress>('corpusProgress');
