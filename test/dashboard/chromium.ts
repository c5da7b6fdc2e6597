// Debian's Chromium, headless, driven by playwright-core (never a downloaded browser), and Mermaid's own parser in it.
import { chromium, type Browser, type Page } from 'playwright-core';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';

/** The browser globals the tests touch inside `page.evaluate` (the project compiles without DOM types). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type InPage = { document: any; mermaid: any; [key: string]: any };
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

const MERMAID = fileURLToPath(new URL('.', import.meta.resolve('mermaid'))) + 'mermaid.min.js';

/** A blank page with the installed Mermaid bundle loaded from disk. */
export async function mermaidPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  await page.setContent('<!doctype html><html><body><div id="chart"></div></body></html>');
  await page.addScriptTag({ path: MERMAID });
  await page.evaluate(() => (globalThis as unknown as InPage).mermaid.initialize({ startOnLoad: false }));
  return page;
}

export interface MermaidCheck {
  /** Null when Mermaid's parser accepts the text, else its message. */
  error: string | null;
  diagramType: string | null;
  /** Leaf states drawn with the `current` class, by their ids in the chart (e.g. `deployment_stage_active_serving`). */
  currentLeaves: string[];
}

/** Parses with `mermaid.parse`, renders, and reads which leaf states carry the `current` class. */
export async function checkMermaid(page: Page, text: string): Promise<MermaidCheck> {
  return page.evaluate(async (source) => {
    const { mermaid, document } = globalThis as unknown as InPage;
    let diagramType: string | null = null;
    try {
      diagramType = (await mermaid.parse(source)).diagramType;
    } catch (error) {
      return { error: String((error as Error).message ?? error), diagramType: null, currentLeaves: [] };
    }
    const id = `c${Math.random().toString(36).slice(2)}`;
    document.getElementById('chart').innerHTML = (await mermaid.render(id, source)).svg;
    const currentLeaves = ([...document.querySelectorAll('#chart g.node.current')] as Array<{ id: string }>).map((g) =>
      g.id.replace(`${id}-state-`, '').replace(/-\d+$/, ''),
    );
    return { error: null, diagramType, currentLeaves: currentLeaves.sort() };
  }, text);
}
