// Entity texts cross from a parse worker to the pool as ranges of their module's text. Every
// entity's content is a piece of its file (a method's text lies inside its class's, which lies
// inside the module's), and a worker's message is a structured clone, which copies each string on
// its own: the text of a method nested in a class went over three times, and stayed three copies
// on the receiving side until the link wrote it. Sent as (start, length) in the module's text, it
// becomes a slice there, which V8 keeps as a view of that text instead of a copy. On Python's
// standard library that is about 50 of the 76 MB of entity text a link holds.
import type { EntityFact } from '../facts.js';
import type { ParseOutcome } from './parse-job.js';

type ParsedOutcome = Extract<ParseOutcome, { readonly status: 'parsed' }>;

/** What a worker posts: an outcome, the parsed ones with `contentRanges` when they have any. */
export type WorkerMessage =
  | Exclude<ParseOutcome, ParsedOutcome>
  | (ParsedOutcome & {
      /** Triples (entity index, start, length) in the module's content; those entities' content is ''. */
      readonly contentRanges?: Int32Array;
    });

/** Shorter texts go as they are: V8 copies a slice this short anyway, and a triple costs 12 bytes. */
const sharedCharsMin = 64;

/** Offsets of the first character of each line (1-based line `n` starts at `starts[n - 1]`). */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

/** The message for `outcome`: entity texts found in the module's text go as ranges of it. */
export function packOutcome(outcome: ParseOutcome): WorkerMessage {
  if (outcome.status !== 'parsed') return outcome;
  const entities = outcome.facts.entities;
  const base = entities[0]?.content;
  if (base === undefined || entities.length < 2) return outcome;
  let lineStarts: number[] | undefined;
  const ranges: number[] = [];
  const packed = entities.map((entity, index): EntityFact => {
    const text = entity.content;
    if (index === 0 || text === undefined || text.length < sharedCharsMin) return entity;
    lineStarts ??= lineStartsOf(base);
    // The entity starts on its first line; any place the same text occurs serves as well.
    const from = lineStarts[entity.lineStart - 1];
    if (from === undefined) return entity; // past a module text that was cut short
    const start = base.indexOf(text, from);
    if (start < 0) return entity;
    ranges.push(index, start, text.length);
    return { ...entity, content: '' };
  });
  if (ranges.length === 0) return outcome;
  return {
    ...outcome,
    facts: { ...outcome.facts, entities: packed },
    contentRanges: Int32Array.from(ranges),
  };
}

/** The outcome a worker packed, its entity texts slices of the module's text again. */
export function unpackOutcome(message: WorkerMessage): ParseOutcome {
  if (message.status !== 'parsed' || message.contentRanges === undefined) return message;
  const { contentRanges, ...outcome } = message;
  // The message is this thread's own copy (a structured clone): its entities may be filled in place.
  const entities = outcome.facts.entities as readonly { content?: string }[];
  const base = entities[0]?.content ?? '';
  for (let at = 0; at + 2 < contentRanges.length; at += 3) {
    const entity = entities[contentRanges[at] as number];
    const start = contentRanges[at + 1] as number;
    const end = start + (contentRanges[at + 2] as number);
    if (entity === undefined || end > base.length) {
      throw new Error(`a parse worker sent a content range outside ${outcome.path}`);
    }
    entity.content = base.slice(start, end);
  }
  return outcome;
}
