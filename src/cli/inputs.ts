import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { SUPPORTED_EXTENSIONS } from '../activities/corpus';
import { sha256Hex } from '../core/doc-id';
import { CliError, ExitCode } from './context';

/** What `docflow analyze` was asked to analyse: local files, or every supported object under one S3 prefix. */
export type AnalyzeInputs = { kind: 'files'; files: string[] } | { kind: 'prefix'; uri: string };

/**
 * Resolves the command-line inputs: files, folders (recursive; hidden folders and node_modules skipped), glob
 * patterns, or a single `s3://` prefix. Files are returned as sorted, distinct absolute paths; only the formats
 * docflow extracts are picked from folders and globs, and a file named explicitly must be one of them.
 */
export async function resolveInputs(args: string[], cwd = process.cwd()): Promise<AnalyzeInputs> {
  if (args.length === 0) throw new CliError('name at least one file, folder, glob or s3:// prefix', ExitCode.usage);
  const remote = args.filter((a) => a.startsWith('s3://'));
  if (remote.length > 0) {
    if (args.length > 1) {
      throw new CliError('an s3:// prefix must be the only input (analyse local files in another run)', ExitCode.usage);
    }
    return { kind: 'prefix', uri: args[0] as string };
  }

  const files = new Set<string>();
  for (const arg of args) {
    const path = resolve(cwd, arg);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) {
      if (!isSupported(path)) {
        throw new CliError(`${arg}: unsupported format (supported: ${SUPPORTED_EXTENSIONS.join(' ')})`, ExitCode.usage);
      }
      files.add(path);
    } else if (info?.isDirectory()) {
      const found = await glob('**/*', {
        cwd: path,
        absolute: true,
        onlyFiles: true,
        dot: false,
        ignore: ['**/node_modules/**'],
      });
      const supported = found.filter(isSupported);
      if (supported.length === 0) {
        throw new CliError(
          `${arg}: no supported documents in this folder (${SUPPORTED_EXTENSIONS.join(' ')})`,
          ExitCode.usage,
        );
      }
      for (const f of supported) files.add(resolve(f));
    } else if (isDynamicPattern(arg)) {
      const found = (await glob(arg, { cwd, absolute: true, onlyFiles: true })).filter(isSupported);
      if (found.length === 0) throw new CliError(`${arg}: no supported documents match`, ExitCode.usage);
      for (const f of found) files.add(resolve(f));
    } else {
      throw new CliError(`${arg}: no such file or folder`, ExitCode.usage);
    }
  }
  return { kind: 'files', files: [...files].sort() };
}

function isSupported(path: string): boolean {
  return SUPPORTED_EXTENSIONS.includes(extname(path).toLowerCase());
}

/**
 * The batch id a run gets when none is given: derived from what it analyses (the sorted document ids, which
 * already carry content, task and model), so the same command run again attaches to the same corpus.
 */
export function batchIdForDocuments(docIds: string[]): string {
  return `b-${sha256Hex([...new Set(docIds)].sort().join('\n')).slice(0, 12)}`;
}

/** The same for an S3 prefix, whose content is listed by the workflow: the prefix, task and model. */
export function batchIdForPrefix(prefixUri: string, taskId: string, taskVersion: number, modelId: string): string {
  return `b-${sha256Hex(`${prefixUri}\n${taskId}@${taskVersion}\n${modelId}`).slice(0, 12)}`;
}
