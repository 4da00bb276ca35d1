/**
 * Dates as contracts write them: "June 8, 2010", "the 1st day of June, 2005", "8 June 2010", "6/8/2010", "2010-06-08".
 * Numeric dates are read month first (US filings). Redacted parts ("[***], 2009") are found but have no ISO form.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = String.raw`(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`;
const DAY = String.raw`(?:[0-3]?\d|\[[^\]\n]{0,8}\]|_{2,})`;
const ORD = String.raw`(?:st|nd|rd|th)?`;
const YEAR = String.raw`(?:1[89]\d\d|2[01]\d\d)`;

const SOURCES = [
  String.raw`\b${MONTH}\s*${DAY}${ORD}\s*,?\s*${YEAR}\b`, // June 8, 2010 / June [*], 2010
  String.raw`\b${DAY}${ORD}\s+(?:day\s+of\s+)?${MONTH},?\s*${YEAR}\b`, // 8 June 2010 / 1st day of June, 2005
  String.raw`\b[01]?\d/[0-3]?\d/(?:${YEAR}|\d\d)\b`, // 6/8/2010
  String.raw`\b${YEAR}-[01]\d-[0-3]\d\b`, // 2010-06-08
];
const DATE_PATTERN = new RegExp(SOURCES.map((s) => `(?:${s})`).join('|'), 'gi');

export interface FoundDate {
  raw: string;
  iso: string | null;
  index: number;
}

export function findDates(text: string, from = 0, to = text.length): FoundDate[] {
  const found: FoundDate[] = [];
  DATE_PATTERN.lastIndex = from;
  for (let m = DATE_PATTERN.exec(text); m !== null && m.index < to; m = DATE_PATTERN.exec(text)) {
    // "May" alone is also a verb: require a capital M so "may 5, 2010" in running text is still rare noise.
    if (/^may\b/.test(m[0])) continue;
    found.push({ raw: m[0], iso: toIsoDate(m[0]), index: m.index });
  }
  return found;
}

/** yyyy-mm-dd for a complete, valid written date; null otherwise (redacted, partial, impossible). */
export function toIsoDate(raw: string): string | null {
  const s = raw.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(s);
  if (m) return iso(expandYear(m[3] ?? ''), Number(m[1]), Number(m[2]));
  m = /^([A-Za-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(\d{4})$/.exec(s);
  if (m) return iso(Number(m[3]), monthNumber(m[1] ?? ''), Number(m[2]));
  m = /^(\d{1,2})(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?([A-Za-z]+)\.?,?\s*(\d{4})$/i.exec(s);
  if (m) return iso(Number(m[3]), monthNumber(m[2] ?? ''), Number(m[1]));
  return null;
}

function expandYear(y: string): number {
  const n = Number(y);
  return y.length === 4 ? n : n < 50 ? 2000 + n : 1900 + n;
}

function monthNumber(name: string): number {
  return MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;
}

function iso(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCMonth() !== month - 1) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Adds whole years or months to an ISO date, keeping the day (clamped to the month's end). */
export function addToIsoDate(isoDate: string, amount: number, unit: 'year' | 'month' | 'day'): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (unit === 'day') {
    const t = new Date(Date.UTC(y, mo - 1, d + amount));
    return t.toISOString().slice(0, 10);
  }
  const months = unit === 'year' ? amount * 12 : amount;
  const total = y * 12 + (mo - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return iso(year, month, Math.min(d, lastDay));
}
