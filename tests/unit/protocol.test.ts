import { describe, expect, it } from 'vitest'
import { formatEventId, parseEventId, parseFrame, validateIngest } from '../../src/protocol'
import { build, deployment, iso, pullRequest } from './fixtures/entities'

const HOSTILE = '<img src=x onerror=alert(1)>\u0000\u0007\u001b[31m\r\nשלום 🎉 e\u0301'
const frame = (value: unknown) => JSON.stringify(value)
const without = (value: object, key: string) => Object.fromEntries(Object.entries(value).filter(([k]) => k !== key))

describe('parseFrame accepts every event the protocol defines', () => {
  it.each([
    ['hello', { connectionId: 'c1', serverVersion: '1.0.0', heartbeatMs: 15000, replayed: false }],
    ['snapshot', { builds: [build()], pullRequests: [pullRequest()], deployments: [deployment()], serverTime: iso(0) }],
    ['heartbeat', { serverTime: iso(0) }],
    ['reconnect', { reason: 'recycle' }],
    ['build', build()],
    ['pull_request', pullRequest()],
    ['deployment', deployment()],
    ['log', { buildId: 'b1', offset: 0, lines: ['$ npm ci', HOSTILE] }],
  ])('%s', (type, data) => {
    const result = parseFrame(type, frame(data), 'e1-1')
    expect(result.ok).toBe(true)
    if (result.ok) expect(result.event).toMatchObject({ type, id: 'e1-1', data })
  })

  it.each([
    [
      'hostile text in every string field',
      build({ repo: HOSTILE, branch: HOSTILE, commit: { sha: HOSTILE, message: HOSTILE, author: HOSTILE } }),
    ],
    ['unknown extra fields, kept', { ...build(), pipeline: { stage: 'deploy' } }],
    ['nullable fields as null', build({ finishedAt: null, expectedDurationMs: null, url: null })],
    ['requiredApprovals absent', without(pullRequest(), 'requiredApprovals')],
  ])('%s', (_, data) => {
    const type = 'repo' in data && 'title' in data ? 'pull_request' : 'build'
    const result = parseFrame(type, frame(data))
    expect(result.ok).toBe(true)
    if (result.ok) expect(result.event.data).toEqual(data)
  })
})

describe('parseFrame rejects, never throws, and says why', () => {
  it.each([
    ['build', '{not json', 'bad_json', 'data is not valid JSON'],
    ['build', '', 'bad_json', 'data is not valid JSON'],
    ['no_such_event', '{}', 'unknown_event', 'unknown event type "no_such_event"'],
    ['__proto__', '{}', 'unknown_event', 'unknown event type "__proto__"'],
    ['build', frame(null), 'invalid', '(root)'],
    ['build', frame([build()]), 'invalid', 'id'],
    ['build', frame(without(build(), 'repo')), 'invalid', 'repo'],
    ['build', frame(build({ status: 'skipped' as never })), 'invalid', 'status'],
    ['build', frame({ ...build(), commit: { ...build().commit, sha: 42 } }), 'invalid', 'commit.sha'],
    ['build', frame(build({ number: -1 })), 'invalid', 'number'],
    ['build', frame(build({ updatedAt: '2026-11-28T10:00:00+01:00' })), 'invalid', 'updatedAt'],
    ['build', frame(build({ id: '' })), 'invalid', 'id'],
    [
      'pull_request',
      frame(pullRequest({ reviewers: [{ login: 'a', state: 'maybe' as never }] })),
      'invalid',
      'reviewers.0.state',
    ],
    ['pull_request', frame(pullRequest({ draft: 'no' as never })), 'invalid', 'draft'],
    ['deployment', frame(deployment({ rolloutPercent: 101 })), 'invalid', 'rolloutPercent'],
    [
      'hello',
      frame({ connectionId: 'c', serverVersion: 'v', heartbeatMs: 0, replayed: false }),
      'invalid',
      'heartbeatMs',
    ],
    ['log', frame({ buildId: 'b', offset: 1.5, lines: [] }), 'invalid', 'offset'],
    ['log', frame({ buildId: 'b', offset: 0, lines: [1] }), 'invalid', 'lines.0'],
  ])('%s %s -> %s naming %s', (type, data, kind, named) => {
    const result = parseFrame(type, data)
    expect(result).toMatchObject({ ok: false, kind, type })
    if (!result.ok) expect(result.reason).toContain(named)
  })
})

describe('a snapshot is checked entity by entity', () => {
  it('leaves out and reports an entity it cannot read, and keeps the rest of the board', () => {
    const good = build({ id: 'good' })
    const bad = { ...build({ id: 'bad' }), status: 'skipped' }
    const result = parseFrame(
      'snapshot',
      frame({ builds: [good, bad], pullRequests: [pullRequest()], deployments: [{}], serverTime: iso(0) }),
      'e1-9',
    )
    expect(result.ok).toBe(true)
    if (!result.ok || result.event.type !== 'snapshot') return
    expect(result.event.data.builds.map((b) => b.id)).toEqual(['good'])
    expect(result.event.data.pullRequests).toHaveLength(1)
    expect(result.event.data.deployments).toEqual([])
    expect(result.dropped?.map((d) => `${d.type} ${d.reason.split(':')[0]}`)).toEqual([
      'build snapshot.builds[1].status',
      'deployment snapshot.deployments[0].id',
    ])
  })

  it('rejects a snapshot whose lists or time are wrong', () => {
    expect(
      parseFrame('snapshot', frame({ builds: {}, pullRequests: [], deployments: [], serverTime: iso(0) })).ok,
    ).toBe(false)
    expect(parseFrame('snapshot', frame({ builds: [], pullRequests: [], deployments: [] })).ok).toBe(false)
  })
})

describe('event ids', () => {
  it.each([
    ['k3x9a-0', { epoch: 'k3x9a', seq: 0 }],
    ['k3x9a-1045', { epoch: 'k3x9a', seq: 1045 }],
    ['', null],
    [null, null],
    ['k3x9a', null],
    ['K3X9A-1', null],
    ['k3x9a-01', null],
    ['k3x9a--1', null],
    ['k3x9a-1.5', null],
    ['k3x9a-99999999999999999', null],
    ['a-b-1', null],
    ['<script>-1', null],
  ])('%j -> %j', (raw, parsed) => {
    expect(parseEventId(raw)).toEqual(parsed)
    if (parsed) expect(formatEventId(parsed)).toBe(raw)
  })
})

describe('validateIngest', () => {
  it.each([
    ['one event', { type: 'build', data: build() }, 1],
    [
      'an array',
      [
        { type: 'build', data: build() },
        { type: 'log', data: { buildId: 'b1', lines: ['x'] } },
      ],
      2,
    ],
  ])('accepts %s', (_, body, count) => {
    const result = validateIngest(body)
    expect(result.ok).toBe(true)
    if (result.ok) expect(result.items).toHaveLength(count)
  })

  it.each([
    ['an empty array', [], '(root): must hold at least one event'],
    ['more than 1,000 events', Array.from({ length: 1001 }, () => ({ type: 'build', data: build() })), 'at most 1000'],
    ['an unknown type', { type: 'deploy', data: {} }, 'type'],
    [
      'a bad item in an array, by index',
      [
        { type: 'build', data: build() },
        { type: 'build', data: { ...build(), status: 'x' } },
      ],
      '[1].data.status',
    ],
    ['a log without lines', { type: 'log', data: { buildId: 'b1' } }, 'data.lines'],
  ])('rejects %s, naming where', (_, body, named) => {
    const result = validateIngest(body)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error).toContain(named)
  })
})
