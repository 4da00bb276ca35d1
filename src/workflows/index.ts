// The workflows docflow registers on its task queue. Workflow code is deterministic: see DESIGN.md §1.
export { analyzeDocument } from './analyze-document';
export { analyzeCorpus } from './analyze-corpus';
export { batchCollector } from './batch-collector';
export { bedrockBatchJob } from './bedrock-batch-job';
