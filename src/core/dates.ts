/**
 * Dates and durations as contracts write them. Pure; used by the offline model, the merge and the bench.
 *
 * Dates as contracts write them: "June 8, 2010", "the 1st day of June, 2005", "8 June 2010", "6/8/2010", "2010-06-08".
 * Numeric dates are read month first (US filings). Redacted parts ("[***], 2009") are found but have no ISO form.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = String.raw`(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`;
const DAY = String.raw`(?:[0-3]?\d|\[[^\]\n]{0,8}\]|_{2,})`;
// PDF-to-text sometimes splits ordinals ("20t h day of January").
const ORD = String.raw`(?:st|nd|rd|th|t\s?h|s\s?t|n\s?d|r\s?d)?`;
const YEAR = String.raw`(?:1[89]\d\d|2[01]\d\d)`;

const SOURCES = [
  String.raw`\b${MONTH}\s*${DAY}${ORD}\s*,?\s*${YEAR}\b`, // June 8, 2010 / June [*], 2010
  String.raw`\b${DAY}${ORD}\s+(?:day\s+of\s+)?${MONTH},?\s*${YEAR}\b`, // 8 June 2010 / 1st day of June, 2005
  String.raw`\b[0-3]?\d/[0-3]?\d/(?:${YEAR}|\d\d)\b`, // 6/8/2010, 29/3/18
  String.raw`\b[01]?\d-[0-3]?\d-(?:${YEAR}|\d\d)\b(?!-)`, // 3-5-98
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
  m = /^(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})$/.exec(s);
  if (m) {
    // Month first (US filings) unless the first number cannot be a month.
    const [a, b] = [Number(m[1]), Number(m[2])];
    return a > 12 ? iso(expandYear(m[3] ?? ''), b, a) : iso(expandYear(m[3] ?? ''), a, b);
  }
  m = /^([A-Za-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th|t\s?h|s\s?t|n\s?d|r\s?d)?\s*,?\s*(\d{4})$/.exec(s);
  if (m) return iso(Number(m[3]), monthNumber(m[1] ?? ''), Number(m[2]));
  m = /^(\d{1,2})(?:st|nd|rd|th|t\s?h|s\s?t|n\s?d|r\s?d)?\s+(?:day\s+of\s+)?([A-Za-z]+)\.?,?\s*(\d{4})$/i.exec(s);
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

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  first: 1,
  two: 2,
  second: 2,
  three: 3,
  third: 3,
  four: 4,
  fourth: 4,
  five: 5,
  fifth: 5,
  six: 6,
  sixth: 6,
  seven: 7,
  seventh: 7,
  eight: 8,
  eighth: 8,
  nine: 9,
  ninth: 9,
  ten: 10,
  tenth: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  fifteenth: 15,
  eighteen: 18,
  twenty: 20,
  twentieth: 20,
  thirty: 30,
  'thirty-six': 36,
  sixty: 60,
};
const NUMBER = String.raw`(?:(${Object.keys(NUMBER_WORDS).join('|')})\s*)?(?:\((\d{1,3})(?:st|nd|rd|th)?\)|(\d{1,3})(?:st|nd|rd|th)?)?`;
const DURATION = new RegExp(
  String.raw`\b${NUMBER}\s*(?:full\s+|consecutive\s+|calendar\s+|contract\s+)?(years?|months?)\b`,
  'i',
);
const ANNIVERSARY = new RegExp(String.raw`\b${NUMBER}\s*anniversary\b`, 'i');

export interface Duration {
  amount: number;
  unit: 'year' | 'month';
  /** The words that state it ("five (5) years", "third anniversary"). */
  text: string;
}

/** The first term length stated in a text: "five (5) years", "12 months", "the third anniversary" (= 3 years). */
export function findDuration(text: string): Duration | undefined {
  const anniversary = ANNIVERSARY.exec(text);
  const m = anniversary ?? DURATION.exec(text);
  if (m === null) return undefined;
  const n = m[2] ?? m[3] ?? m[1];
  if (n === undefined) return undefined;
  const amount = NUMBER_WORDS[n.toLowerCase()] ?? Number(n);
  if (!(amount > 0 && amount <= 99)) return undefined;
  const unit = anniversary !== null || /^y/i.test(m[4] ?? '') ? 'year' : 'month';
  return { amount, unit, text: m[0].replace(/\s+/g, ' ').trim() };
}
