// The explorer: hash routes (#/retirement/R41) to pages, the header with
// its navigation and language switch. Pages get {main, params, title(),
// stale()} and fill `main`; stale() is true once the reader went elsewhere.
import {append, clear, el} from './dom.js';
import {LANGUAGES, language, setLanguage, t} from './i18n.js';
import {ApiError} from './net.js';
// The first segment of the route names the page; the rest are its params.
// A page's module is loaded when it is first shown.
const ROUTES = [
  [/^$/, () => import('./pages/registry.js')],
  [/^projects$/, () => import('./pages/projects.js')],
  [/^project$/, () => import('./pages/project.js')],
  [/^batch$/, () => import('./pages/batch.js')],
  [/^retirement$/, () => import('./pages/retirement.js')],
  [/^search$/, () => import('./pages/search.js')],
  [/^serial$/, () => import('./pages/serial.js')],
  [/^verify$/, () => import('./pages/verify.js')],
];

let generation = 0;

function header() {
  const top = clear(document.getElementById('top'));
  const nav = el('nav', {'aria-label': 'main'},
    el('a', {href: '#/', class: 'brand'}, t('app.title')),
    el('a', {href: '#/projects'}, t('nav.projects')),
    el('a', {href: '#/search'}, t('nav.search')),
    el('a', {href: '#/serial'}, t('nav.serial')),
    el('a', {href: '#/verify'}, t('nav.verify')));
  const switcher = el('div', {class: 'languages', role: 'group', 'aria-label': t('nav.language')},
    Object.entries(LANGUAGES).map(([code, {name}]) => el('button', {
      type: 'button', lang: code, 'data-lang': code, 'aria-pressed': String(code === language()),
      on: {click: () => {
        setLanguage(code);
        show();
      }}}, name)));
  append(top, nav, switcher);
}

function errorText(e) {
  if (e instanceof ApiError) {
    return e.status === 0 ? t('error.unavailable', {message: e.message})
      : t('error.api', {status: e.status, message: e.message});
  }
  return String(e && e.message ? e.message : e);
}

async function show() {
  const mine = ++generation;
  document.documentElement.lang = LANGUAGES[language()].locale;
  header();
  const main = clear(document.getElementById('page'));
  main.removeAttribute('data-ready');
  const segments = decodeSegments(location.hash.replace(/^#\/?/, ''));
  let page = null;
  let params = [];
  for (const [pattern, module] of ROUTES) {
    const m = segments === null ? null : pattern.exec(segments[0] || '');
    if (m) {
      page = module;
      params = segments.slice(1);
      break;
    }
  }
  const ctx = {
    main,
    params,
    stale: () => mine !== generation,
    title: (text) => {
      document.title = `${text} · ${t('app.title')}`;
    },
  };
  if (!page) {
    ctx.title(t('page.notFound'));
    append(main, el('p', {class: 'error', id: 'not-found'}, t('page.notFound')));
    main.setAttribute('data-ready', 'true');
    return;
  }
  const loading = el('p', {class: 'loading'}, t('page.loading'));
  main.append(loading);
  try {
    await (await page()).render(ctx);
  } catch (e) {
    if (ctx.stale()) return;
    append(main, el('p', {class: 'error', id: 'page-error'}, errorText(e)));
  } finally {
    loading.remove();
  }
  if (!ctx.stale()) main.setAttribute('data-ready', 'true');
}

// The hash's segments, each percent-decoded once; null if malformed.
function decodeSegments(path) {
  try {
    return path.split('/').map(decodeURIComponent);
  } catch {
    return null;
  }
}

window.addEventListener('hashchange', show);
show();
