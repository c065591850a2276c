import { describe, expect, it } from 'vitest';
import {
  confirmationReason,
  isPlainText,
  MAX_RICH_LENGTH,
  mentionsOf,
  needsConfirmation,
  parseRichText,
  textOf,
  type LinkNode,
  type RichNode,
} from './richText';

/** Every node of the tree, depth first. */
function all(nodes: readonly RichNode[]): RichNode[] {
  return nodes.flatMap((n) => ('children' in n ? [n, ...all(n.children)] : [n]));
}
const linksOf = (text: string) => all(parseRichText(text)).filter((n): n is LinkNode => n.kind === 'link');
const kindsOf = (text: string) => new Set(all(parseRichText(text)).map((n) => n.kind));
/** The inline nodes of a one-paragraph text. */
function inline(text: string): RichNode[] {
  const tree = parseRichText(text);
  expect(tree).toHaveLength(1);
  const [p] = tree;
  if (p?.kind !== 'paragraph') throw new Error('not a paragraph');
  return p.children;
}
function depth(nodes: readonly RichNode[]): number {
  let max = 0;
  for (const n of nodes) if ('children' in n) max = Math.max(max, 1 + depth(n.children));
  return max;
}
function timed<T>(f: () => T): [T, number] {
  const start = performance.now();
  const value = f();
  return [value, performance.now() - start];
}

const HOSTILE_TARGETS = [
  'javascript:alert(1)',
  'JAVASCRIPT:alert(1)',
  'java\tscript:alert(1)',
  ' javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  'tauri://localhost/index.html',
  'ipc://localhost/x',
  'custom-app:do?x=1',
  '//evil.com/x',
  'relative/path',
];

describe('message text is data', () => {
  it('keeps plain text exactly, spaces and newlines included', () => {
    for (const text of ['hello', 'a < b && c > d', '5 * 3 * 2 = 30', 'snake_case_name', 'C:\\path\\*.txt', 'x\n  y\n\n\nz  ', 'tab\there']) {
      expect(textOf(parseRichText(text))).toBe(text);
      expect(kindsOf(text)).not.toContain('strong');
    }
    expect(inline('a\n  b')).toEqual([{ kind: 'text', text: 'a' }, { kind: 'lineBreak' }, { kind: 'text', text: '  b' }]);
    expect(parseRichText('')).toEqual([]);
  });

  it('never turns a hostile scheme into a link, bare or in [x](…)', () => {
    for (const target of HOSTILE_TARGETS) {
      for (const text of [`[x](${target})`, `[x](<${target}>)`, target, `see ${target} now`]) {
        expect(linksOf(text), text).toEqual([]);
        expect(textOf(parseRichText(text)), text).toBe(text);
      }
    }
  });

  it('keeps HTML and unsupported markdown as literal text', () => {
    for (const text of [
      '<img src=x onerror=alert(1)>',
      '<script>alert(1)</script>',
      '<a href="javascript:alert(1)">x</a>',
      '# hi',
      '- a\n- b',
      '1. one',
      '> quoted',
      '| a | b |\n|---|---|\n| 1 | 2 |',
      '---',
      '&lt;b&gt; &amp;',
      '![x](https://example.com/i.png)',
    ]) {
      expect(textOf(parseRichText(text)), text).toBe(text);
      expect(kindsOf(text), text).toEqual(new Set(['paragraph', 'text', ...(text.includes('\n') ? ['lineBreak'] : [])]));
    }
    // No reference definitions: the label stays text, the bare URL is just a URL.
    const refs = '[x][ref]\n\n[ref]: https://example.com';
    expect(textOf(parseRichText(refs))).toBe(refs);
    expect(linksOf(refs)).toMatchObject([{ href: 'https://example.com', autolink: true }]);
  });

  it('formats bold, italic and code', () => {
    expect(inline('*b* **B** _i_ `c`')).toEqual([
      { kind: 'strong', children: [{ kind: 'text', text: 'b' }] },
      { kind: 'text', text: ' ' },
      { kind: 'strong', children: [{ kind: 'text', text: 'B' }] },
      { kind: 'text', text: ' ' },
      { kind: 'em', children: [{ kind: 'text', text: 'i' }] },
      { kind: 'text', text: ' ' },
      { kind: 'code', text: 'c' },
    ]);
    expect(inline('*_**x**_*')).toEqual([
      { kind: 'strong', children: [{ kind: 'em', children: [{ kind: 'strong', children: [{ kind: 'text', text: 'x' }] }] }] },
    ]);
  });

  it('leaves unbalanced markers as they were typed', () => {
    for (const text of ['a `b', '``a`', '*a', 'a_', '**a', '```\nnever closed', '~~~js\nopen', '[a](https://x.com', '[[a]']) {
      expect(textOf(parseRichText(text)), text).toBe(text);
      expect(kindsOf(text), text).not.toContain('codeBlock');
    }
  });

  it('shows code as code: no formatting, links or mentions inside', () => {
    const tree = parseRichText('run `**not bold** https://example.com @bob` now');
    expect(all(tree).filter((n) => n.kind !== 'paragraph' && n.kind !== 'text')).toEqual([
      { kind: 'code', text: '**not bold** https://example.com @bob' },
    ]);
    const fenced = parseRichText('before\n```ts extra\nconst a = **not bold**; // https://example.com @bob\n  indented\n```\nafter');
    expect(fenced).toEqual([
      { kind: 'paragraph', children: [{ kind: 'text', text: 'before' }] },
      { kind: 'codeBlock', lang: 'ts', text: 'const a = **not bold**; // https://example.com @bob\n  indented' },
      { kind: 'paragraph', children: [{ kind: 'text', text: 'after' }] },
    ]);
    expect(parseRichText('~~~\nplain\n~~~')).toEqual([{ kind: 'codeBlock', lang: null, text: 'plain' }]);
  });

  it('links http, https and mailto, with parentheses', () => {
    expect(linksOf('see https://example.com/a?b=1.')).toEqual([
      { kind: 'link', href: 'https://example.com/a?b=1', autolink: true, children: [{ kind: 'text', text: 'https://example.com/a?b=1' }] },
    ]);
    expect(linksOf('[docs](https://en.wikipedia.org/wiki/Foo_(bar))').map((l) => l.href)).toEqual([
      'https://en.wikipedia.org/wiki/Foo_(bar)',
    ]);
    expect(linksOf('(https://en.wikipedia.org/wiki/Foo_(bar))').map((l) => l.href)).toEqual([
      'https://en.wikipedia.org/wiki/Foo_(bar)',
    ]);
    const [mail] = linksOf('write bob@example.com');
    expect(mail).toMatchObject({ href: 'mailto:bob@example.com', autolink: true });
    expect(needsConfirmation(mail!)).toBe(false);
    expect(linksOf('[mail me](mailto:bob@example.com)').map((l) => l.href)).toEqual(['mailto:bob@example.com']);
    expect(linksOf('HTTPS://EXAMPLE.COM/X')).toHaveLength(1);
    // No scheme, no link: file names are not domains.
    expect(linksOf('see main.rs and setup.py, or www.example.com')).toEqual([]);
  });

  it('asks before opening look-alike and disguised links', () => {
    const reason = (text: string) => linksOf(text).map(confirmationReason);
    expect(reason('https://example.com')).toEqual([null]);
    expect(reason('[https://example.com](https://example.com)')).toEqual([null]);
    expect(reason('[bob@example.com](mailto:bob@example.com)')).toEqual([null]);
    expect(reason('[https://good.com](https://evil.com)')).toEqual(['lookalike']);
    expect(reason('[good.com/login](https://evil.com)')).toEqual(['lookalike']);
    expect(reason('[click here](https://example.com)')).toEqual(['text']);
    // Cyrillic "раураl": the href is punycode, so even a bare URL asks.
    const [idn] = linksOf('https://раураl.com/login');
    expect(idn!.href).toMatch(/^https:\/\/xn--/);
    expect(textOf(idn!.children)).toBe('https://раураl.com/login');
    expect(confirmationReason(idn!)).toBe('lookalike');
    expect(reason('https://xn--80ak6aa92e.com')).toEqual(['lookalike']);
    expect(reason('[x](https://xn--pypal-4ve.com)')).toEqual(['lookalike']);
    expect(reason('[https://good.com\u202E](https://good.com)')).toEqual(['lookalike']);
  });

  it('finds @mentions outside code and links', () => {
    const text = 'hi @bob and @alice.x, @bob. x@y.z `@code` [@link](https://a.com) @' + 'a'.repeat(65) + ' (@carol)';
    expect(mentionsOf(text)).toEqual(['bob', 'alice.x']);
    expect(inline('thanks @bob.')).toEqual([
      { kind: 'text', text: 'thanks ' },
      { kind: 'mention', user: 'bob' },
      { kind: 'text', text: '.' },
    ]);
    expect(mentionsOf('@dana at the start\n@erin_2 on a new line, *@fay* in bold')).toEqual(['dana', 'erin_2', 'fay']);
  });
});

describe('hostile sizes stay fast', () => {
  const MB = 1 << 20;
  const cases: Array<[string, (n: number) => string]> = [
    ['backticks', (n) => '`'.repeat(n)],
    ['stars', (n) => '*'.repeat(n)],
    ['nested emphasis', (n) => '*_'.repeat(n / 4) + 'x' + '_*'.repeat(n / 4)],
    ['brackets', (n) => '['.repeat(n)],
    ['link openers', (n) => '[a]('.repeat(n / 4)],
    ['one long URL', (n) => 'https://example.com/' + 'a'.repeat(n - 20)],
    ['many URLs', (n) => 'http://'.repeat(n / 7)],
    ['fences', (n) => '```\n'.repeat(n / 4)],
    ['newlines', (n) => '\n'.repeat(n)],
  ];

  it.each(cases)('1 MB of %s falls back to plain text, at once', (_name, make) => {
    const text = make(MB);
    const [tree, ms] = timed(() => parseRichText(text));
    expect(ms).toBeLessThan(2000);
    expect(tree).toEqual([{ kind: 'paragraph', children: [{ kind: 'text', text }] }]);
  });

  it.each(cases)('64 KiB of %s is formatted in well under a second, nesting bounded', (_name, make) => {
    const text = make(MAX_RICH_LENGTH - 4);
    const [tree, ms] = timed(() => parseRichText(text));
    expect(ms).toBeLessThan(2000);
    expect(depth(tree)).toBeLessThanOrEqual(12);
    expect(textOf(tree).length).toBeGreaterThan(0);
  });
});

describe('isPlainText', () => {
  it('lets plain messages skip the parser and sends anything that may format to it', () => {
    for (const plain of ['stream 42', 'the plan: see you at 5', 'a < b > c & d', '# not a heading', 'line one\nline two', '你好，世界']) {
      expect(isPlainText(plain)).toBe(true);
      // The fast path shows exactly what the parser would.
      expect(textOf(parseRichText(plain))).toBe(plain);
    }
    for (const rich of ['*bold*', '_it_', '`code`', '[a](https://x.y)', '@bob', 'see https://x.y', 'mailto:a@b.c', 'tether://join/dev', 'a\r\nb', 'x\0y']) {
      expect(isPlainText(rich)).toBe(false);
    }
  });
});
