// The one popup over the message list at a time: a message's action menu,
// its reaction picker, the question before a delete, or its edit history.
// Rows open them; MessageOverlays (in the chat view, outside the scrolling
// list, which clips and virtualizes its rows) shows them. Closing gives the
// focus back to what opened it (or its row, if that is gone).

import type { Attachment } from 'svelte/attachments';
import type { StoredMessage } from '../bindings/StoredMessage';
import { menuItems } from '../messageActions';

/** A point in the viewport (px), where a popup opens. */
export type Point = { x: number, y: number };

type Base = {
  message: StoredMessage,
  at: Point,
  /** What had the focus (or was clicked): it gets the focus back on close. */
  origin: HTMLElement | null,
};

export type Overlay =
  | (Base & { kind: 'menu' })
  | (Base & { kind: 'react' })
  | (Base & { kind: 'confirm', scope: 'everyone' | 'me' })
  | (Base & { kind: 'history' });

/** Below the element's start edge: where a popup opened from a button goes. */
export function below(el: Element): Point {
  const r = el.getBoundingClientRect();
  return { x: r.left, y: r.bottom + 4 };
}

/** The row of message `id`, if rendered. */
export function rowOf(id: string): HTMLElement | null {
  const rows = document.querySelectorAll<HTMLElement>('article[data-message-id]');
  return Array.from(rows).find((r) => r.dataset.messageId === id) ?? null;
}

export class MessageMenuStore {
  current = $state.raw<Overlay | null>(null);

  open(overlay: Overlay): void {
    this.current = overlay;
  }

  /** Whether a popup of `message` is open (its toolbar then stays visible). */
  isOpenFor(id: string): boolean {
    return this.current?.message.id === id;
  }

  /** Closes the popup; `refocus`: the focus goes back to what opened it. */
  close(refocus = true): void {
    const was = this.current;
    if (was === null) return;
    this.current = null;
    if (!refocus) return;
    const target = was.origin?.isConnected ? was.origin : rowOf(was.message.id);
    if (target) target.focus();
    else document.querySelector<HTMLElement>('.chat [role="log"]')?.focus();
  }

  /** Opens the menu of `message` from its row: at the pointer, or (from the keyboard) on the row. */
  openMenuAt(message: StoredMessage, at: Point, origin: HTMLElement | null): boolean {
    if (menuItems(message).length === 0) return false;
    this.open({ kind: 'menu', message, at, origin });
    return true;
  }
}

export const messageMenu = new MessageMenuStore();

/** A right-click on a row: our menu instead of the system's (unless text in it is selected, to copy). */
export function onRowContextMenu(message: StoredMessage, e: MouseEvent): void {
  const row = e.currentTarget as HTMLElement;
  const selection = window.getSelection();
  if (selection && !selection.isCollapsed && selection.anchorNode && row.contains(selection.anchorNode)) return;
  // Already opened from the keyboard (the ContextMenu key sends this too).
  if (messageMenu.current?.kind === 'menu' && messageMenu.isOpenFor(message.id)) {
    e.preventDefault();
    return;
  }
  const fromKeyboard = e.clientX === 0 && e.clientY === 0;
  const at = fromKeyboard ? onRow(row) : { x: e.clientX, y: e.clientY };
  const origin = document.activeElement instanceof HTMLElement && row.contains(document.activeElement) ? document.activeElement : row;
  if (messageMenu.openMenuAt(message, at, origin)) e.preventDefault();
}

/** Where a menu opened from the keyboard goes: inside the row's top left. */
function onRow(row: HTMLElement): Point {
  const r = row.getBoundingClientRect();
  return { x: r.left + 16, y: r.top + Math.min(r.height, 24) };
}

/** Enter on a focused row, the ContextMenu key or Shift+F10 in it: its menu. */
export function onRowKeydown(message: StoredMessage, e: KeyboardEvent): void {
  const row = e.currentTarget as HTMLElement;
  const opens =
    e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey) || (e.key === 'Enter' && e.target === row);
  if (!opens || e.isComposing) return;
  const origin = e.target instanceof HTMLElement ? e.target : row;
  if (messageMenu.openMenuAt(message, onRow(row), origin)) {
    e.preventDefault();
    e.stopPropagation();
  }
}

/** A row's own listeners: its menu on a right-click and from the keyboard. */
export function rowMenu(message: StoredMessage): Attachment<HTMLElement> {
  return (node) => {
    const onContext = (e: MouseEvent) => onRowContextMenu(message, e);
    const onKey = (e: KeyboardEvent) => onRowKeydown(message, e);
    node.addEventListener('contextmenu', onContext);
    node.addEventListener('keydown', onKey);
    return () => {
      node.removeEventListener('contextmenu', onContext);
      node.removeEventListener('keydown', onKey);
    };
  };
}
