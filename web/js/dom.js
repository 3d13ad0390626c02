// Building the page. Text from the registry is only ever inserted as text
// nodes (never parsed as HTML): el() turns every string child into a text
// node, and attributes are set with setAttribute.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'on') {
      for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(node, ...children);
  return node;
}

// Appends children: nodes as they are, anything else as text; null, false
// and undefined are skipped; arrays are flattened.
export function append(node, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// An HTML element: el('a', {href: '#/'}, 'text', otherNode).
export function el(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

// An SVG element.
export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

// A definition list of [label, value] rows; rows whose value is null are left out.
export function facts(rows) {
  const dl = el('dl', {class: 'facts'});
  for (const [label, value] of rows) {
    if (value === null || value === undefined) continue;
    append(dl, el('dt', {}, label), el('dd', {}, value));
  }
  return dl;
}

// The route of a page, as a link target: link('retirement', 'R41') is
// '#/retirement/R41' with each part percent-encoded.
export function route(...parts) {
  return '#/' + parts.map((p) => encodeURIComponent(String(p))).join('/');
}
