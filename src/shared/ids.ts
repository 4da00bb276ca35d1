/**
 * Workflow ids and store keys, derived the same way by workflows, activities and clients.
 * Safe for workflow code: pure string functions.
 */

/** One workflow per document; the id is the document id (content hash + task + model), so a resubmission attaches. */
export function documentWorkflowId(docId: string): string {
  return `docflow-doc-${docId}`;
}

export function corpusWorkflowId(batchId: string): string {
  return `docflow-corpus-${batchId}`;
}

/** One long-lived collector per (model, task queue). */
export function collectorWorkflowId(modelId: string, taskQueue: string): string {
  return `docflow-collector-${slug(modelId)}-${slug(taskQueue)}`;
}

/** One workflow per Bedrock job; the collector key's hash keeps a restarted collector's jobs apart. */
export function batchJobWorkflowId(collectorWorkflowId: string, collectorKey: string, sequence: number): string {
  return `${collectorWorkflowId}-${shortHash(collectorKey)}-job-${sequence}`;
}

/** 32-bit FNV-1a as 8 hex characters: a stable, dependency-free fingerprint (not for security). */
export function shortHash(value: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** A batch id a person can type: lowercase letters, digits and dashes. */
export function isValidBatchId(batchId: string): boolean {
  return /^[a-z0-9][a-z0-9-]{0,62}$/.test(batchId);
}

function slug(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Keys of the storage layout (DESIGN §2), relative to the configured store root. */
export const storeKeys = {
  documentText: (docId: string) => `documents/${docId}/text.txt`,
  documentChunks: (docId: string) => `documents/${docId}/chunks.jsonl`,
  documentRequests: (docId: string, attempt: number) => `documents/${docId}/requests/a${attempt}.jsonl`,
  chunkResult: (docId: string, chunkIndex: number) => `documents/${docId}/chunks/${chunkIndex}.result.json`,
  documentResult: (docId: string) => `documents/${docId}/result.json`,
  documentReport: (docId: string) => `documents/${docId}/report.md`,
  documentOutcome: (docId: string) => `documents/${docId}/outcome.json`,
  // A job's records keep one folder, named for its first attempt's job name; each attempt writes its own output.
  jobInput: (jobKey: string) => `jobs/${jobKey}/input/records.jsonl`,
  jobRecords: (jobKey: string) => `jobs/${jobKey}/records.json`,
  /** The queue groups a job took (written before they leave the queue, so a retried claim takes the same). */
  jobClaim: (jobKey: string) => `jobs/${jobKey}/claim.json`,
  /** Per document, what one attempt of a job produced: read by the activity that tells the documents. */
  jobDeliveries: (jobKey: string, jobName: string) => `jobs/${jobKey}/deliveries/${jobName}.jsonl`,
  /** Prefix of a collector's record queue (one empty object per waiting group, see `queue-key.ts`). */
  recordQueue: (collectorWorkflowId: string) => `queue/${collectorWorkflowId}/`,
  jobOutputPrefix: (jobKey: string, jobName: string) => `jobs/${jobKey}/output/${jobName}/`,
  corpusManifest: (batchId: string) => `corpora/${batchId}/manifest.jsonl`,
  /** What a client asked a corpus to analyse: `{ paths }` or `{ uris }`. */
  corpusSources: (batchId: string) => `corpora/${batchId}/sources.json`,
  corpusSummary: (batchId: string) => `corpora/${batchId}/summary.json`,
  corpusCsv: (batchId: string) => `corpora/${batchId}/summary.csv`,
  corpusReport: (batchId: string) => `corpora/${batchId}/report.md`,
  source: (sha256: string, name: string) => `sources/${sha256.slice(0, 32)}/${name}`,
};
