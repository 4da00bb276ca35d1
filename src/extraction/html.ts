import { Parser } from 'htmlparser2';

/** Elements whose content is never document text. */
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg', 'math', 'iframe', 'object']);
/** Elements that stand as their own paragraph: a blank line before and after. */
const PARAGRAPHS = new Set([
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'table',
  'ul',
  'ol',
  'dl',
  'hr',
  'section',
  'article',
  'header',
  'footer',
  'main',
  'aside',
  'nav',
  'figure',
  'address',
  'form',
  'fieldset',
]);
/** Elements that stand on their own line. */
const LINES = new Set(['div', 'li', 'tr', 'dt', 'dd', 'caption', 'figcaption', 'option', 'legend', 'center']);

const NONE = 0;
const LINE = 1;
const PARAGRAPH = 2;

/**
 * The readable text of an HTML document: entities decoded, scripts and styles dropped, whitespace
 * collapsed as a browser would, block elements on their own lines, paragraphs separated by a blank line.
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  let skipDepth = 0;
  let preDepth = 0;
  // Breaks wait until the next text, so nested blocks (<div><p>) give one break, not several.
  let pending = NONE;
  let pendingCell = false;
  const breakAtLeast = (level: number) => (pending = Math.max(pending, level));

  const parser = new Parser(
    {
      onopentag(name) {
        if (SKIPPED.has(name)) skipDepth++;
        if (skipDepth > 0) return;
        if (name === 'pre') preDepth++;
        if (name === 'br') pending = pending === NONE ? LINE : PARAGRAPH;
        else if (PARAGRAPHS.has(name)) breakAtLeast(PARAGRAPH);
        else if (LINES.has(name)) breakAtLeast(LINE);
      },
      ontext(raw) {
        if (skipDepth > 0) return;
        let text = preDepth > 0 ? raw : raw.replace(/[ \t\n\r\f]+/g, ' ');
        if (preDepth === 0 && text.trim() === '') {
          // Whitespace between blocks is layout, not a space in the text.
          if (pending === NONE && !pendingCell && out.length > 0) out.push(' ');
          return;
        }
        if (pending !== NONE && out.length > 0) {
          out.push('\n'.repeat(pending));
          if (preDepth === 0) text = text.trimStart();
        } else if (pendingCell) {
          out.push('\t');
          if (preDepth === 0) text = text.trimStart();
        }
        pending = NONE;
        pendingCell = false;
        out.push(text);
      },
      onclosetag(name) {
        if (SKIPPED.has(name)) {
          skipDepth = Math.max(0, skipDepth - 1);
          return;
        }
        if (skipDepth > 0) return;
        if (name === 'pre') preDepth = Math.max(0, preDepth - 1);
        if (PARAGRAPHS.has(name)) breakAtLeast(PARAGRAPH);
        else if (LINES.has(name)) breakAtLeast(LINE);
        else if (name === 'td' || name === 'th') pendingCell = true;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  return out.join('');
}
