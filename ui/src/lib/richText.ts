// Message text → a small typed tree of safe formatting (bold, italic, code,
// code blocks, http/https/mailto links, @mentions), for RichText.svelte to
// build DOM nodes from. Message text is data, never markup: markdown-it is
// used purely as a tokenizer (its HTML renderer is never called), nothing
// here produces HTML strings, and the components render the tree with plain
// Svelte elements and text interpolation — never {@html}.
//
// Conventions (chat style, as the issue asks): `*x*` and `**x**` are bold,
// `_x_` is italic (`__x__` bold). Headings, lists, quotes, images, tables
// and raw HTML are not enabled, so `# hi`, `<b>` and `![x](y)` stay text.
// Whitespace is kept as typed: newlines become lineBreak nodes, spaces stay
// in the text (the container uses `white-space: pre-wrap`).

import MarkdownIt, { type Token } from 'markdown-it';
import { splitAppLinks, type AppLink } from './appLinks';
import { isAllowedUrl } from './safeUrl';

export type LinkNode = { kind: 'link', href: string, children: RichNode[], autolink: boolean };
export type RichNode =
  | { kind: 'text', text: string }
  | { kind: 'strong', children: RichNode[] }
  | { kind: 'em', children: RichNode[] }
  | { kind: 'code', text: string }
  | { kind: 'codeBlock', text: string, lang: string | null }
  | LinkNode
  | { kind: 'lineBreak' }
  | { kind: 'mention', user: string }
  /** Tether's own link (tether://join/…, tether://message/…): acts inside the app, see appLinks.ts. */
  | { kind: 'appLink', href: string, link: AppLink }
  | { kind: 'paragraph', children: RichNode[] };

/**
 * Longer texts are shown as one plain text node (no formatting, links or
 * mentions). The protocol caps a message at 64 KiB, so only oddities (the
 * raw JSON of an unsupported message can reach 256 KiB) get there; below
 * it markdown-it stays linear (~100 ms for the worst 64 KiB measured), and
 * the plain fallback keeps 1 MB of hostile text from freezing the UI.
 */
export const MAX_RICH_LENGTH = 64 * 1024;
/** Deeper nesting of bold/italic/links is shown as its source markup (keeps render recursion bounded). */
const MAX_DEPTH = 10;

const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: true });
// The newline rule stays off: it would eat the spaces around line ends.
// Inline: code spans, emphasis, [text](url), bare URLs. Block: ``` fences.
md.enable(['backticks', 'emphasis', 'link', 'linkify', 'fence']);
// Bare domains ("main.rs", "setup.py") are not links: a scheme is needed.
md.linkify.set({ fuzzyLink: false, fuzzyEmail: true });
// Anything else (javascript:, data:, relative…) never becomes a link token.
md.validateLink = (url: string) => isAllowedUrl(url);

/** Human-readable form of an encoded link target (punycode host decoded). */
function readable(href: string): string {
  try {
    return md.normalizeLinkText(href);
  } catch {
    return href;
  }
}

function pushText(into: RichNode[], text: string): void {
  if (text === '') return;
  const last = into[into.length - 1];
  if (last?.kind === 'text') last.text += text;
  else into.push({ kind: 'text', text });
}

type Frame = { children: RichNode[], /** Set when the frame is shown as source: its closing markup. */ flatClose: string | null };

/** Walks markdown-it's inline tokens into nodes; anything unhandled becomes its source text. */
function inlineNodes(tokens: readonly Token[]): RichNode[] {
  const root: RichNode[] = [];
  const stack: Frame[] = [{ children: root, flatClose: null }];
  for (const token of tokens) {
    const top = stack[stack.length - 1]!;
    const flatten = (open: string, close: string) => {
      pushText(top.children, open);
      stack.push({ children: top.children, flatClose: close });
    };
    switch (token.type) {
      case 'text':
        pushText(top.children, token.content);
        break;
      case 'code_inline':
        top.children.push({ kind: 'code', text: token.content });
        break;
      case 'softbreak':
      case 'hardbreak':
        pushText(top.children, '\n');
        break;
      case 'em_open':
      case 'strong_open': {
        if (stack.length > MAX_DEPTH) {
          flatten(token.markup, token.markup);
          break;
        }
        const kind = token.type === 'strong_open' || token.markup === '*' ? 'strong' : 'em';
        const children: RichNode[] = [];
        top.children.push({ kind, children });
        stack.push({ children, flatClose: null });
        break;
      }
      case 'link_open': {
        const href = token.attrGet('href');
        const autolink = token.markup === 'linkify' || token.markup === 'autolink';
        const last = top.children[top.children.length - 1];
        // `![alt](src)`: images are not enabled, so it stays text, link-less.
        const image = !autolink && last?.kind === 'text' && last.text.endsWith('!');
        if (typeof href !== 'string' || !isAllowedUrl(href) || image || stack.length > MAX_DEPTH) {
          flatten(autolink ? '' : '[', autolink ? '' : `](${readable(String(href ?? ''))})`);
          break;
        }
        const node: LinkNode = { kind: 'link', href, autolink, children: [] };
        top.children.push(node);
        stack.push({ children: node.children, flatClose: null });
        break;
      }
      case 'em_close':
      case 'strong_close':
      case 'link_close': {
        if (stack.length === 1) {
          pushText(top.children, token.markup);
          break;
        }
        stack.pop();
        if (top.flatClose !== null) pushText(top.children, top.flatClose);
        break;
      }
      default:
        pushText(top.children, token.content || token.markup);
    }
  }
  return root;
}

const MENTION = /(^|\s)@([A-Za-z0-9._-]+)/g;

/** Splits one line of plain text into text and mention nodes. */
function splitMentions(line: string, into: RichNode[]): void {
  let from = 0;
  for (const m of line.matchAll(MENTION)) {
    // A sentence's full stop is not part of the id ("thanks @bob.").
    const user = m[2]!.replace(/\.+$/, '');
    if (user.length === 0 || user.length > 64) continue;
    const at = m.index + m[1]!.length;
    pushText(into, line.slice(from, at));
    into.push({ kind: 'mention', user });
    from = at + 1 + user.length;
  }
  pushText(into, line.slice(from));
}

/** Tether's own links, and mentions in the text between them. */
function splitAppLinksAndMentions(line: string, into: RichNode[]): void {
  for (const part of splitAppLinks(line)) {
    if (part.kind === 'text') splitMentions(part.text, into);
    else into.push({ kind: 'appLink', href: part.href, link: part.link });
  }
}

/** Newlines → lineBreak nodes, Tether's own links and @mentions outside links and code. */
function finish(nodes: RichNode[], inLink: boolean): RichNode[] {
  const out: RichNode[] = [];
  for (const node of nodes) {
    if (node.kind === 'text') {
      node.text.split('\n').forEach((line, i) => {
        if (i > 0) out.push({ kind: 'lineBreak' });
        if (inLink) pushText(out, line);
        else splitAppLinksAndMentions(line, out);
      });
    } else if (node.kind === 'strong' || node.kind === 'em' || node.kind === 'paragraph') {
      out.push({ ...node, children: finish(node.children, inLink) });
    } else if (node.kind === 'link') {
      out.push({ ...node, children: finish(node.children, true) });
    } else {
      out.push(node);
    }
  }
  return out;
}

function paragraph(source: string): RichNode {
  const children = md.parseInline(source, {})[0]?.children ?? [];
  return { kind: 'paragraph', children: finish(inlineNodes(children), false) };
}

/** A closing fence line for `markup` (``` or ~~~, at least as long, under 4 spaces in). */
function closesFence(line: string | undefined, markup: string): boolean {
  const m = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line ?? '');
  return m !== null && m[1]![0] === markup[0] && m[1]!.length >= markup.length;
}

/** Paragraphs and closed fenced code blocks; an unclosed fence stays text. */
function blocks(text: string): RichNode[] {
  const out: RichNode[] = [];
  const lines = text.split('\n');
  const pushParagraph = (from: number, to: number) => {
    const source = lines.slice(from, to).join('\n');
    if (source !== '') out.push(paragraph(source));
  };
  let line = 0;
  if (text.includes('```') || text.includes('~~~')) {
    const tokens: Token[] = [];
    md.block.parse(text, md, {}, tokens);
    for (const token of tokens) {
      if (token.type !== 'fence' || !token.map) continue;
      const [start, end] = token.map;
      if (end - 1 <= start || !closesFence(lines[end - 1], token.markup)) continue;
      pushParagraph(line, start);
      const lang = token.info.trim().split(/\s+/)[0]?.slice(0, 40) ?? '';
      out.push({ kind: 'codeBlock', text: token.content.replace(/\n$/, ''), lang: lang === '' ? null : lang });
      line = end;
    }
  }
  pushParagraph(line, lines.length);
  return out;
}

const cache = new Map<string, RichNode[]>();
const CACHE_SIZE = 256;

/**
 * The formatting tree of a message text: paragraph and codeBlock nodes at
 * the top. Returned trees are shared (cached): treat them as read-only.
 */
/**
 * Characters and sequences without which no formatting, link or mention can
 * come out of the parser (with the rules enabled above): `*` and `_`
 * (emphasis), a backtick (code), `[` (links), `@` (mentions, e-mail
 * addresses), `~`, and a scheme (`http://`, `mailto:`, `tether://`).
 */
const MAY_FORMAT = /[*_`[@~]|:\/\/|mailto:/i;

/**
 * Whether `text` shows as itself, one paragraph of plain text: most chat
 * messages. The view then skips the parser (and its tree) altogether.
 */
export function isPlainText(text: string): boolean {
  return !MAY_FORMAT.test(text) && !text.includes('\r') && !text.includes('\0');
}

export function parseRichText(text: string): RichNode[] {
  if (text.length > MAX_RICH_LENGTH) return [{ kind: 'paragraph', children: [{ kind: 'text', text }] }];
  const hit = cache.get(text);
  if (hit) return hit;
  // As markdown-it's own normalize step does, so fence line numbers match.
  const tree = blocks(text.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD'));
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(text, tree);
  return tree;
}

/** The text a reader sees for `nodes` (what a link shows, for instance). */
export function textOf(nodes: readonly RichNode[]): string {
  return nodes
    .map((n) => {
      switch (n.kind) {
        case 'text':
        case 'code':
        case 'codeBlock':
          return n.text;
        case 'lineBreak':
          return '\n';
        case 'mention':
          return `@${n.user}`;
        case 'appLink':
          return n.href;
        default:
          return textOf(n.children);
      }
    })
    .join('');
}

/** The users @mentioned in `text` (not inside code or links), each once, in order. */
export function mentionsOf(text: string): string[] {
  const users: string[] = [];
  const visit = (nodes: readonly RichNode[]) => {
    for (const n of nodes) {
      if (n.kind === 'mention' && !users.includes(n.user)) users.push(n.user);
      else if ('children' in n) visit(n.children);
    }
  };
  visit(parseRichText(text));
  return users;
}

// Links that ask before opening

/** Why a link asks first: its text shows another target, or its host may imitate another. */
export type ConfirmReason = 'text' | 'lookalike';

/** Bidi overrides and zero-width characters: they can disguise where a link goes. */
const DISGUISE = /[\u061C\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/;
const EMAIL = /^[^\s@]+@([^\s@]+)$/;
const DOMAIN_START = /^[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+(?:[/:?#]|$)/u;

/** The host `s` names (lower-case ASCII, punycode for IDN), if it reads as a URL, domain or e-mail address. */
function hostOf(s: string): string | null {
  const mail = EMAIL.exec(s.replace(/^mailto:/i, ''));
  try {
    if (mail) return new URL(`http://${mail[1]}`).hostname;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return new URL(s).hostname || null;
    if (DOMAIN_START.test(s)) return new URL(`http://${s}`).hostname;
  } catch {
    // Not a URL: no host to compare.
  }
  return null;
}

/**
 * Why opening `link` needs the user's confirmation, or null when it can
 * open at once: a bare URL (autolink) opens directly unless its host is
 * punycode (an IDN look-alike such as Cyrillic "раураl.com"); a
 * `[text](url)` link asks whenever its text is not its target.
 */
export function confirmationReason(link: LinkNode): ConfirmReason | null {
  const visible = textOf(link.children).trim();
  const host = hostOf(link.href);
  if (host?.split('.').some((label) => label.startsWith('xn--'))) return 'lookalike';
  if (DISGUISE.test(visible)) return 'lookalike';
  const shown = hostOf(visible);
  if (shown !== null && host !== null && shown !== host) return 'lookalike';
  if (link.autolink) return null;
  const targets = [link.href, readable(link.href)];
  if (link.href.toLowerCase().startsWith('mailto:')) targets.push(...targets.map((t) => t.slice('mailto:'.length)));
  return targets.includes(visible) ? null : 'text';
}

/** Whether `link` opens only after the user confirms (see confirmationReason). */
export function needsConfirmation(link: LinkNode): boolean {
  return confirmationReason(link) !== null;
}
