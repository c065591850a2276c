// What the window shows before the bundle runs, and what the packages
// bring with them: checked against the files themselves so they cannot drift.

import { describe, expect, it } from 'vitest';
import installDeps from '../../scripts/install-deps.sh?raw';
import tauriConf from '../../tauri.conf.json?raw';
import indexHtml from '../index.html?raw';
import firstPaintCss from '../public/first-paint.css?raw';
import appCss from './app.css?raw';

/** The body of the first rule (or at-rule) written exactly `selector {`, '' when there is none. */
function block(css: string, selector: string): string {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) return '';
  const open = css.indexOf('{', start);
  let depth = 0;
  for (let i = open; i < css.length; i++) {
    if (css[i] === '{') depth++;
    else if (css[i] === '}' && --depth === 0) return css.slice(open + 1, i);
  }
  return '';
}

/** The value of `property` among declarations (the last one wins, as in CSS). */
function value(declarations: string, property: string): string | undefined {
  const found = [...declarations.matchAll(new RegExp(`(?:^|[;{\\s])${property}\\s*:\\s*([^;]+);`, 'g'))];
  return found.at(-1)?.[1]?.trim().toLowerCase();
}

/** The stylesheet index.html links before the bundle. */
const firstPaint = firstPaintCss;
/** The --bg tokens of app.css: light, and dark from prefers-color-scheme. */
const lightBg = value(block(appCss, ':root'), '--bg');
const darkBg = value(block(block(appCss, '@media (prefers-color-scheme: dark)'), ":root:not([data-theme='light'])"), '--bg');

type Conf = {
  app: { windows: { backgroundColor?: string }[] },
  bundle: { linux: { deb: { recommends?: string[] }, rpm: { recommends?: string[] } } },
};
const conf = JSON.parse(tauriConf) as Conf;

describe('the first frame', () => {
  it('reads both theme backgrounds from app.css', () => {
    expect(lightBg).toMatch(/^#[0-9a-f]{6}$/);
    expect(darkBg).toMatch(/^#[0-9a-f]{6}$/);
    expect(darkBg).not.toBe(lightBg);
  });

  it('paints the theme background from index.html, light and dark, before the bundle loads', () => {
    // No inline script or style (the CSP): a stylesheet linked in the head, before the bundle's <script>.
    expect(indexHtml).not.toMatch(/<script>|<style/);
    const link = indexHtml.indexOf('<link rel="stylesheet" href="/first-paint.css"');
    expect(link).toBeGreaterThan(-1);
    expect(link).toBeLessThan(indexHtml.indexOf('<script'));
    expect(value(block(firstPaint, 'html'), 'background')).toBe(lightBg);
    const dark = block(firstPaint, '@media (prefers-color-scheme: dark)');
    expect(value(block(dark, 'html'), 'background')).toBe(darkBg);
  });

  it('gives the native window the light background, so no black frame shows before the page', () => {
    expect(conf.app.windows.length).toBeGreaterThan(0);
    for (const window of conf.app.windows) expect(window.backgroundColor?.toLowerCase()).toBe(lightBg);
  });
});

describe('fonts for emoji and Chinese', () => {
  const fallbacks = ["'Noto Color Emoji'", "'Noto Sans CJK SC'"];

  it('names them after the generic family in every font stack', () => {
    const stacks = [...appCss.matchAll(/font-family:\s*([^;]+);/g)].map((m) => m[1]!.trim());
    expect(stacks.length).toBeGreaterThanOrEqual(2);
    for (const stack of stacks) {
      const names = stack.split(',').map((n) => n.trim());
      const generic = names.indexOf('sans-serif');
      expect(generic, stack).toBeGreaterThanOrEqual(0);
      // After the generic family: looked up only for glyphs it lacks (P8 in docs/BENCHMARKS.md).
      expect(names.slice(generic + 1), stack).toEqual(fallbacks);
    }
  });

  it('recommends the font packages with the .deb and the .rpm', () => {
    expect(conf.bundle.linux.deb.recommends).toEqual(expect.arrayContaining(['fonts-noto-color-emoji', 'fonts-noto-cjk']));
    expect(conf.bundle.linux.rpm.recommends).toEqual(
      expect.arrayContaining(['google-noto-emoji-color-fonts', 'google-noto-sans-cjk-ttc-fonts']),
    );
  });

  it('installs them with --with-app', () => {
    const list = /TAURI_APT_PACKAGES=\(([\s\S]*?)\n\)/.exec(installDeps)?.[1] ?? '';
    const packages = list
      .split('\n')
      .map((line) => line.replace(/#.*/, '').trim())
      .filter((line) => line !== '');
    expect(packages).toEqual(expect.arrayContaining(['fonts-noto-color-emoji', 'fonts-noto-cjk']));
  });
});
