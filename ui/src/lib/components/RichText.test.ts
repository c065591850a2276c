import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { openLink } from '../backend';
import { i18n } from '../i18n/index.svelte';
import { openConversation } from '../stores/chat';
import { conversations } from '../stores/conversations.svelte';
import { deliveries } from '../stores/deliveries.svelte';
import { linkOpener } from '../stores/linkOpener.svelte';
import { messages } from '../stores/messages.svelte';
import { toasts } from '../stores/toasts.svelte';
import { flush, mockBackend, msg, reject } from '../testing';
import ChatView from './ChatView.svelte';
import LinkConfirm from './LinkConfirm.svelte';
import RichText from './RichText.svelte';

const OPEN = 'plugin:opener|open_url';

const HOSTILE = [
  '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>',
  '<iframe src="javascript:alert(1)"></iframe><svg onload=alert(1)><object data=x><embed src=x><style>*{}</style>',
  '[x](javascript:alert(1)) [y](JAVASCRIPT:alert(1)) [z](java\tscript:alert(1))',
  'javascript:alert(1) data:text/html,<script>alert(1)</script> vbscript:msgbox(1)',
  '[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [b](file:///etc/passwd) [c](tauri://localhost)',
  '![x](https://example.com/x.png) <a href="https://evil.com">https://good.com</a>',
  '[https://good.com](https://evil.com) https://раураl.com [mail](mailto:a@example.com)',
  '*_**x**_* `' + '`'.repeat(5000) + ' ' + '*'.repeat(5000) + '['.repeat(5000),
  '```html\n<script>alert(1)</script>\n```',
];

/** RichText beside the confirmation dialog, as the app mounts them. */
function show(text: string, me: string | null = null) {
  const { container } = render(RichText, { text, me });
  render(LinkConfirm);
  return { container, ue: userEvent.setup() };
}

describe('rich message text', () => {
  beforeEach(() => {
    linkOpener.reset();
    toasts.clear();
    i18n.setChoice('en');
  });

  it('renders hostile text as text: no active elements, only safe hrefs', () => {
    mockBackend();
    for (const text of HOSTILE) {
      const { container } = render(RichText, { text });
      expect(container.querySelectorAll('script, img, iframe, svg, object, embed, style, form, input')).toHaveLength(0);
      for (const a of container.querySelectorAll('a')) {
        expect(a.getAttribute('href')).toMatch(/^(https?:\/\/|mailto:)/);
        expect(a.getAttribute('target')).toBeNull();
      }
      expect(container.querySelectorAll('[onerror], [onload], [onclick]')).toHaveLength(0);
    }
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
    const { container } = render(RichText, { text: HOSTILE[0]! });
    expect(container.textContent).toBe(HOSTILE[0]);
  });

  it('formats with plain elements and keeps the visible text as typed', () => {
    const { container } = render(RichText, { text: 'a *b* _i_ `c`\n  d\n```js\nx  =  1\n```\nafter' });
    expect(container.querySelector('strong')).toHaveTextContent('b');
    expect(container.querySelector('em')).toHaveTextContent('i');
    expect(container.querySelector('p code')).toHaveTextContent('c');
    expect(container.querySelector('pre code')?.textContent).toBe('x  =  1');
    expect(container.querySelector('.lang')).toHaveTextContent('js');
    expect(container.textContent).toBe('a b i c\n  djsx  =  1after');
    const plain = render(RichText, { text: 'line one\n\n  line  two ' });
    expect(plain.container.textContent).toBe('line one\n\n  line  two ');
  });

  it('highlights @mentions, the signed-in user’s most', () => {
    const { container } = render(RichText, { text: '@alice and @bob: look `@carol`', me: 'bob' });
    const mentions = [...container.querySelectorAll('.mention')];
    expect(mentions.map((m) => m.textContent)).toEqual(['@alice', '@bob']);
    expect(mentions.map((m) => m.classList.contains('mention-me'))).toEqual([false, true]);
  });

  it('opens a bare link at once, through the opener', async () => {
    const calls = mockBackend();
    const { ue } = show('see https://example.com/docs');
    await ue.click(screen.getByRole('link', { name: 'https://example.com/docs' }));
    await flush();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls.filter((c) => c.cmd === OPEN).map((c) => c.args.url)).toEqual(['https://example.com/docs']);
  });

  it('asks before opening a link whose text is not its target, and opens only on "Open"', async () => {
    const calls = mockBackend();
    const { ue } = show('[https://good.com](https://evil.com/login)');
    await ue.click(screen.getByRole('link', { name: 'https://good.com' }));
    const dialog = screen.getByRole('dialog', { name: 'Open this link?' });
    expect(dialog.querySelector('code')?.textContent).toBe('https://evil.com/login');
    expect(dialog).toHaveTextContent('https://good.com');
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await flush();
    expect(calls.some((c) => c.cmd === OPEN)).toBe(false);
    await ue.click(screen.getByRole('button', { name: 'Open' }));
    await flush();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls.filter((c) => c.cmd === OPEN).map((c) => c.args.url)).toEqual(['https://evil.com/login']);
  });

  it('cancels with Escape or Cancel, opening nothing and giving the focus back', async () => {
    const calls = mockBackend();
    const { ue } = show('[docs](https://example.com) and https://раураl.com');
    const docs = screen.getByRole('link', { name: 'docs' });
    docs.focus();
    await ue.keyboard('{Enter}');
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    await ue.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(docs).toHaveFocus();
    await ue.click(screen.getByRole('link', { name: 'https://раураl.com' }));
    expect(screen.getByRole('dialog')).toHaveTextContent(/imitate/);
    expect(screen.getByRole('dialog').querySelector('code')?.textContent).toMatch(/^https:\/\/xn--/);
    await ue.click(screen.getByRole('button', { name: 'Cancel' }));
    await flush();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls.some((c) => c.cmd === OPEN)).toBe(false);
  });

  it('tells the user when the system could not open the link', async () => {
    mockBackend({ [OPEN]: reject('internal', 'no browser') });
    const { ue } = show('https://example.com');
    await ue.click(screen.getByRole('link'));
    await flush();
    expect(toasts.list.map((t) => t.title)).toEqual(['The link could not be opened']);
  });

  it('never hands another scheme to the system', async () => {
    const calls = mockBackend();
    for (const url of ['javascript:alert(1)', 'java\tscript:alert(1)', 'data:text/html,x', 'file:///etc/passwd', 'tauri://localhost', ' https://x.com']) {
      await expect(openLink(url)).rejects.toMatchObject({ code: 'bad_input' });
    }
    expect(calls).toEqual([]);
  });
});

describe('messages in a chat', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
    deliveries.reset();
    i18n.setChoice('en');
  });

  it('show formatted text in .text, with the hostile text inert', async () => {
    const xss = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    mockBackend({ history: () => [msg({ text: xss }), msg({ text: 'see **this** https://example.com\nok' })] });
    await openConversation('u:bob');
    const { container } = render(ChatView);
    await flush();
    const texts = [...container.querySelectorAll('article.message .text')].map((e) => e.textContent);
    expect(texts).toEqual([xss, 'see this https://example.com\nok']);
    expect(container.querySelectorAll('article.message img, article.message script')).toHaveLength(0);
    expect(container.querySelector('article.message .text a')?.getAttribute('href')).toBe('https://example.com');
  });
});
