// Languages: one message catalogue per language (i18n/<lang>.js), chosen
// from the reader's choice (kept in this browser) or the browser's
// languages; numbers and dates formatted for that locale.
import en from './i18n/en.js';
import zh from './i18n/zh.js';

export const LANGUAGES = {en: {name: 'English', messages: en, locale: 'en'},
  zh: {name: '中文', messages: zh, locale: 'zh-CN'}};
const STORAGE = 'creg.language';

function initial() {
  try {
    const kept = localStorage.getItem(STORAGE);
    if (kept in LANGUAGES) return kept;
  } catch {
    // Storage may be off; the browser's languages decide.
  }
  for (const tag of navigator.languages || [navigator.language || 'en']) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (base in LANGUAGES) return base;
  }
  return 'en';
}

let current = initial();

export const language = () => current;
export const locale = () => LANGUAGES[current].locale;

export function setLanguage(lang) {
  if (!(lang in LANGUAGES)) return;
  current = lang;
  try {
    localStorage.setItem(STORAGE, lang);
  } catch {
    // Not kept; the choice lasts for this page.
  }
}

// The message `key` with {name} placeholders filled from `params`; English
// if the catalogue lacks it, the key itself if no catalogue has it.
export function t(key, params = {}) {
  const text = LANGUAGES[current].messages[key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

// Intl formatters are costly to make (tens of ms the first time): one of
// each kind per locale.
const formatters = new Map();
function formatter(kind, make) {
  const key = kind + ' ' + locale();
  if (!formatters.has(key)) formatters.set(key, make(locale()));
  return formatters.get(key);
}

export function formatNumber(n) {
  return formatter('number', (l) => new Intl.NumberFormat(l)).format(n);
}

// An RFC 3339 time (or a Date) in the reader's locale, with its time zone.
export function formatTime(value) {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return formatter('time', (l) => new Intl.DateTimeFormat(l, {dateStyle: 'long', timeStyle: 'long'}))
    .format(date);
}

// A YYYY-MM-DD date in the reader's locale.
export function formatDate(value) {
  const date = new Date(value + 'T00:00:00Z');
  if (Number.isNaN(date.getTime())) return String(value);
  return formatter('date', (l) => new Intl.DateTimeFormat(l, {dateStyle: 'medium', timeZone: 'UTC'}))
    .format(date);
}
