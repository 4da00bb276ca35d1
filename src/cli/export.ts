import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { DocflowConfig } from '../config/load';
import { permanentError } from '../core/errors';
import { storeKeys } from '../shared/ids';
import type { DocumentOutcome, DocumentStatus } from '../shared/types';
import { isNotFound } from '../store';
import type { ObjectStore } from '../store/object-store';

export interface ExportedDocument {
  docId: string;
  name: string;
  status: DocumentStatus | 'unknown';
  failureReason?: string;
  /** Paths of the exported files; absent when the document has no result (failed, cancelled). */
  resultFile?: string;
  reportFile?: string;
}

export interface ExportedBatch {
  batchId: string;
  outDir: string;
  /** summary.json, summary.csv, report.md. */
  summaryFiles: string[];
  documents: ExportedDocument[];
}

interface SummaryDocument {
  docId: string;
  name: string;
  status: DocumentStatus | 'unknown';
  failureReason?: string;
}

/** Copies the outputs of a document or a batch from the object store to a local folder. */
export class ResultExporter {
  constructor(
    private readonly store: ObjectStore,
    private readonly config: DocflowConfig,
  ) {}

  /**
   * A batch's `summary.json`, `summary.csv`, `report.md`, and for each completed document `<name>.result.json`
   * and `<name>.report.md` (the file name without its extension; a short document id is added when two share one).
   */
  async exportBatch(batchId: string, outDir: string): Promise<ExportedBatch> {
    const summaryText = await this.read(storeKeys.corpusSummary(batchId));
    if (summaryText === undefined) {
      throw permanentError('NOT_FOUND', `batch ${batchId} has no summary yet (is it still running?)`);
    }
    const summary = JSON.parse(summaryText.toString('utf8')) as { documents?: SummaryDocument[] };
    const dir = resolve(outDir);
    await mkdir(dir, { recursive: true });
    const summaryFiles: string[] = [];
    for (const [key, file] of [
      [storeKeys.corpusSummary(batchId), 'summary.json'],
      [storeKeys.corpusCsv(batchId), 'summary.csv'],
      [storeKeys.corpusReport(batchId), 'report.md'],
    ] as const) {
      const bytes = key === storeKeys.corpusSummary(batchId) ? summaryText : await this.read(key);
      if (bytes === undefined) continue;
      await writeFile(join(dir, file), bytes);
      summaryFiles.push(join(dir, file));
    }
    const documents = summary.documents ?? [];
    const stems = fileStems(documents);
    const exported: ExportedDocument[] = [];
    for (const doc of documents) {
      const files =
        doc.status === 'completed' ? await this.writeDocument(doc.docId, dir, stems.get(doc.docId) ?? doc.docId) : {};
      exported.push({
        docId: doc.docId,
        name: doc.name,
        status: doc.status,
        failureReason: doc.failureReason,
        ...files,
      });
    }
    return { batchId, outDir: dir, summaryFiles, documents: exported };
  }

  /** One document's `result.json` and `report.md`, named after the document. */
  async exportDocument(docId: string, outDir: string): Promise<ExportedDocument> {
    const outcomeText = await this.read(storeKeys.documentOutcome(docId));
    const outcome = outcomeText ? (JSON.parse(outcomeText.toString('utf8')) as DocumentOutcome) : undefined;
    const name = outcome?.name ?? docId;
    const dir = resolve(outDir);
    await mkdir(dir, { recursive: true });
    const files = await this.writeDocument(docId, dir, fileStem(name));
    if (files.resultFile === undefined) {
      throw permanentError('NOT_FOUND', `document ${docId} has no result${outcome ? ` (${outcome.status})` : ''}`);
    }
    return { docId, name, status: outcome?.status ?? 'completed', failureReason: outcome?.failureReason, ...files };
  }

  private async writeDocument(
    docId: string,
    dir: string,
    stem: string,
  ): Promise<{ resultFile?: string; reportFile?: string }> {
    const out: { resultFile?: string; reportFile?: string } = {};
    const result = await this.read(storeKeys.documentResult(docId));
    if (result !== undefined) {
      out.resultFile = join(dir, `${stem}.result.json`);
      await writeFile(out.resultFile, result);
    }
    const report = await this.read(storeKeys.documentReport(docId));
    if (report !== undefined) {
      out.reportFile = join(dir, `${stem}.report.md`);
      await writeFile(out.reportFile, report);
    }
    return out;
  }

  private async read(key: string): Promise<Buffer | undefined> {
    try {
      return await this.store.get(`${this.config.store.uri.replace(/\/+$/, '')}/${key}`);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}

/** A safe local file name from a document name: no folders, no control or reserved characters. */
function fileStem(name: string): string {
  const base = basename(name, extname(name));
  // eslint-disable-next-line no-control-regex
  const safe = base.replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_').replace(/^\.+/, '');
  return safe || 'document';
}

/** One distinct stem per document: `nda`, and `nda-1a2b3c4d` for a second document also called nda. */
function fileStems(documents: SummaryDocument[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const d of documents) counts.set(fileStem(d.name), (counts.get(fileStem(d.name)) ?? 0) + 1);
  return new Map(
    documents.map((d) => {
      const stem = fileStem(d.name);
      return [d.docId, (counts.get(stem) ?? 0) > 1 ? `${stem}-${d.docId.slice(0, 8)}` : stem];
    }),
  );
}
