import type { Rng } from './random'

// Text a wall screen must survive: markup, control characters, bidi overrides, long
// runs, combining marks. The hostile scenario salts every text field with these.
export const HOSTILE_MARKUP = [
  '<img src=x onerror=alert(1)>',
  '<script>alert("pwned")</script>',
  '"><svg onload=alert(document.cookie)>',
  '</div></main><h1>layout broken</h1>',
  '<a href="javascript:alert(1)">click</a>',
  '{{ constructor.constructor("alert(1)")() }} <b>',
  "'; DROP TABLE builds; -- <i>",
  '&lt;escaped&gt; &amp; <raw>',
] as const

export const HOSTILE_CONTROL = [
  'nul\u0000byte',
  'bell\u0007bell',
  '\u001b[31mred text\u001b[0m',
  '\u001b[2J\u001b[Hclear screen',
  'carriage\rreturn',
  'line\nbreak\u000b',
  'back\bspace\u007f',
] as const

export const HOSTILE_SCRIPTS = [
  'مرحبا بالعالم الإصدار',
  'שלום עולם גרסה',
  '\u202eevil right-to-left override\u202c',
  '👩‍💻🚀🔥🇺🇦👨‍👩‍👧‍👦',
  'Z\u0335\u0321\u031ba\u0337l\u0338g\u0335o\u0336 c\u0301\u0301\u0301\u0301ombining',
  '\u200b\u200b\u200bzero\u200dwidth\ufeff',
] as const

const LONG_FILLER =
  'This is a deliberately long piece of text meant to overflow every card, tooltip and table cell on the wall. '

/**
 * Always holds markup and a control character, often foreign scripts or emoji, and now
 * and then runs past 500 characters.
 */
export function hostileText(rng: Rng, base: string): string {
  const parts = [base, rng.pick(HOSTILE_MARKUP), rng.pick(HOSTILE_CONTROL)]
  if (rng.chance(0.6)) parts.push(rng.pick(HOSTILE_SCRIPTS))
  // A deterministic shuffle so the base is not always first.
  for (let i = parts.length - 1; i > 0; i--) {
    const j = rng.int(0, i)
    ;[parts[i], parts[j]] = [parts[j]!, parts[i]!]
  }
  let text = parts.join(' ')
  if (rng.chance(0.12)) {
    while (text.length < 520) text += LONG_FILLER
  }
  return text
}

export const HOSTILE_URLS = [
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  ' https://evil.example',
] as const
