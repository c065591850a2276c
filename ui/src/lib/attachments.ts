import type { Attachment } from 'svelte/attachments';

/** Calls `onDismiss` on Escape inside the element or a pointer press outside it. */
export function dismissable(onDismiss: () => void): Attachment<HTMLElement> {
  return (node) => {
    const onPointer = (e: PointerEvent) => {
      if (e.target instanceof Node && !node.contains(e.target)) onDismiss();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onDismiss();
      }
    };
    document.addEventListener('pointerdown', onPointer, true);
    node.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer, true);
      node.removeEventListener('keydown', onKey);
    };
  };
}

/** Focuses the element when it appears. */
export const focusOnMount: Attachment<HTMLElement> = (node) => {
  node.focus();
};
