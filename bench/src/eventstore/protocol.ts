import type { Phase } from './config.js';
import type { StoreFigures } from './figures.js';

/** What the parent asks a store's worker: run one phase, or hand over its figures and end. */
export type ToWorker = { readonly kind: 'phase'; readonly phase: Phase } | { readonly kind: 'finish' };

/** What a worker answers. */
export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'done'; readonly phase: Phase }
  | { readonly kind: 'figures'; readonly figures: StoreFigures }
  | { readonly kind: 'failed'; readonly error: string };
