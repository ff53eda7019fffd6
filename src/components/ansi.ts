import { AnsiUp } from 'ansi_up'

/**
 * A log line as styled runs of plain text, for rendering with text interpolation (never
 * v-html). ansi_up parses the SGR state; its only public output is HTML, so this reads that
 * HTML back: with `escape_html` on (its default) the text between tags holds no `<`, and
 * the tags are ansi_up's own (`<span class style>`, `<a href>` for OSC 8 links, switched
 * off here). Its parsed packets (`with_state`, `get_next_packet`) are private in v6, so
 * relying on them would break on any patch release; the HTML format is its contract.
 */
export interface AnsiSegment {
  text: string
  /** Classes from a closed set: `ansi-<colour>-fg|bg`, `ansi-bold`, `ansi-faint`, `ansi-italic`, `ansi-underline`. */
  classes: string
  /** Only `color:rgb(r,g,b)` / `background-color:rgb(r,g,b)` for 256-colour and true-colour codes. */
  style: string
}

// Keeps SGR (`ESC [ digits ; m`) for ansi_up; removes every other escape sequence (CSI, OSC,
// DCS/PM/APC strings, two-character escapes, lone ESC) and every control character except
// tab, so no code ever shows as text or moves anything.
// eslint-disable-next-line no-control-regex
const SGR = /^\u001b\[[0-9;]*m$/
const ESCAPES =
  // eslint-disable-next-line no-control-regex
  /\u001b\[[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][^\u001b]*(?:\u001b\\)?|\u001b[\u0020-\u002f]*[\u0030-\u007e]?|[\u0000-\u0008\u000a-\u001a\u001c-\u001f\u007f-\u009f]/g
// eslint-disable-next-line no-control-regex
const NEEDS_WORK = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/

/** The line as a terminal would leave it: text after the last carriage return, no codes but SGR. */
export function cleanLine(line: string): string {
  // A progress bar redraws itself with `\r`; a trailing one (CRLF) redraws nothing.
  const trimmed = line.replace(/\r+$/, '')
  const lastReturn = trimmed.lastIndexOf('\r')
  const visible = lastReturn >= 0 ? trimmed.slice(lastReturn + 1) : trimmed
  return visible.replace(ESCAPES, (match) => (SGR.test(match) ? match : match === '\n' ? ' ' : ''))
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'" }
const unescape = (html: string) => html.replace(/&(?:amp|lt|gt|quot|#x27);/g, (e) => ENTITIES[e] ?? e)

const COLOUR_CLASS = /^ansi-(?:bright-)?(?:black|red|green|yellow|blue|magenta|cyan|white)-(?:fg|bg)$/
const RGB_STYLE = /^(?:color|background-color):rgb\(\d{1,3},\d{1,3},\d{1,3}\)$/
const FLAG_STYLES: Record<string, string> = {
  'font-weight:bold': 'ansi-bold',
  'opacity:0.7': 'ansi-faint',
  'font-style:italic': 'ansi-italic',
  'text-decoration:underline': 'ansi-underline',
}

/** Whitelists what ansi_up put in a span's attributes: nothing else reaches the DOM. */
function attributes(styleAttr: string, classAttr: string): Pick<AnsiSegment, 'classes' | 'style'> {
  const classes = classAttr.split(' ').filter((c) => COLOUR_CLASS.test(c))
  const styles: string[] = []
  for (const part of styleAttr.split(';')) {
    const flag = FLAG_STYLES[part]
    if (flag) classes.push(flag)
    else if (RGB_STYLE.test(part)) styles.push(part)
  }
  return { classes: classes.join(' '), style: styles.join(';') }
}

const TAG = /<span(?: style="([^"]*)")?(?: class="([^"]*)")?>([^<]*)<\/span>|<a [^>]*>([^<]*)<\/a>|([^<]+)/g

let parser: AnsiUp | null = null

function ansiUp(): AnsiUp {
  if (parser) return parser
  parser = new AnsiUp()
  parser.use_classes = true
  parser.escape_html = true
  // OSC 8 hyperlinks from a log are not followed: their text is kept, as text.
  parser.url_allowlist = {}
  return parser
}

/** Splits one raw log line into styled text runs. Colour does not carry over between lines. */
export function ansiSegments(line: string): AnsiSegment[] {
  const clean = NEEDS_WORK.test(line) || line.includes('\u001b') ? cleanLine(line) : line
  if (!clean.includes('\u001b')) return clean === '' ? [] : [{ text: clean, classes: '', style: '' }]
  const up = ansiUp()
  // The trailing reset ends the line's state and flushes nothing visible.
  const html = up.ansi_to_html(`${clean}\u001b[0m`)
  const segments: AnsiSegment[] = []
  for (const match of html.matchAll(TAG)) {
    const [, style, cls, spanText, linkText, plain] = match
    if (spanText !== undefined) segments.push({ text: unescape(spanText), ...attributes(style ?? '', cls ?? '') })
    else if (linkText !== undefined) segments.push({ text: unescape(linkText), classes: '', style: '' })
    else if (plain !== undefined) segments.push({ text: unescape(plain), classes: '', style: '' })
  }
  return segments
}

const parsedLines = new WeakMap<object, AnsiSegment[]>()

/** `ansiSegments` of a (frozen) log line, parsed once however often its block re-renders. */
export function lineSegments(line: { readonly text: string }): AnsiSegment[] {
  let segments = parsedLines.get(line)
  if (!segments) parsedLines.set(line, (segments = ansiSegments(line.text)))
  return segments
}
