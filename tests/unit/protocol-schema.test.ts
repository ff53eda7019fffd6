import { describe, expect, it } from 'vitest'
import { parseFrame, parsePayload, validateIngest } from '../../src/protocol'
import { build, deployment, iso, pullRequest } from './fixtures/entities'

// The page's own schema kit (src/protocol/schema.ts) replaced valibot with the same rules and
// the same words: every reason below is the one valibot 1.5 gave for that input, so a
// rejection in a console, a 400 answer or a test reads as it did.

const without = (value: object, key: string) => Object.fromEntries(Object.entries(value).filter(([k]) => k !== key))
const hello = { connectionId: 'c1', serverVersion: '1.0.0', heartbeatMs: 15000, replayed: false }
const snap = { builds: [], pullRequests: [], deployments: [], serverTime: iso(0) }

describe("a rejected payload names the first field at fault, in valibot's words", () => {
  it.each<[string, string, unknown, string]>([
    ['null', 'build', null, '(root): Invalid type: Expected Object but received null'],
    ['a string', 'build', 'x', '(root): Invalid type: Expected Object but received "x"'],
    ['a number', 'build', 42, '(root): Invalid type: Expected Object but received 42'],
    ['an array', 'build', [build()], 'id: Invalid key: Expected "id" but received undefined'],
    ['a Date', 'build', new Date(0), 'id: Invalid key: Expected "id" but received undefined'],
    ['a null-prototype object', 'build', Object.create(null), 'id: Invalid key: Expected "id" but received undefined'],
    ['no id', 'build', without(build(), 'id'), 'id: Invalid key: Expected "id" but received undefined'],
    ['no repo', 'build', without(build(), 'repo'), 'repo: Invalid key: Expected "repo" but received undefined'],
    ['no url', 'build', without(build(), 'url'), 'url: Invalid key: Expected "url" but received undefined'],
    ['empty id', 'build', build({ id: '' }), 'id: must not be empty'],
    ['long id', 'build', build({ id: 'x'.repeat(201) }), 'id: is too long'],
    ['numeric id', 'build', { ...build(), id: 5 }, 'id: Invalid type: Expected string but received 5'],
    ['negative number', 'build', build({ number: -1 }), 'number: must not be negative'],
    ['fractional number', 'build', build({ number: 1.5 }), 'number: must be an integer'],
    ['NaN number', 'build', build({ number: NaN }), 'number: Invalid type: Expected number but received NaN'],
    ['infinite number', 'build', build({ number: Infinity }), 'number: must be an integer'],
    ['string number', 'build', { ...build(), number: '1' }, 'number: Invalid type: Expected number but received "1"'],
    [
      'unknown status',
      'build',
      { ...build(), status: 'skipped' },
      'status: Invalid type: Expected ("queued" | "running" | "passed" | "failed" | "canceled") but received "skipped"',
    ],
    [
      'numeric status',
      'build',
      { ...build(), status: 3 },
      'status: Invalid type: Expected ("queued" | "running" | "passed" | "failed" | "canceled") but received 3',
    ],
    ['null commit', 'build', { ...build(), commit: null }, 'commit: Invalid type: Expected Object but received null'],
    [
      'array commit',
      'build',
      { ...build(), commit: [] },
      'commit.sha: Invalid key: Expected "sha" but received undefined',
    ],
    [
      'numeric sha',
      'build',
      { ...build(), commit: { ...build().commit, sha: 42 } },
      'commit.sha: Invalid type: Expected string but received 42',
    ],
    [
      'commit without author',
      'build',
      { ...build(), commit: without(build().commit, 'author') },
      'commit.author: Invalid key: Expected "author" but received undefined',
    ],
    ['startedAt not a time', 'build', build({ startedAt: 'soon' }), 'startedAt: must be an ISO 8601 UTC time'],
    [
      'startedAt a number',
      'build',
      { ...build(), startedAt: 5 },
      'startedAt: Invalid type: Expected string but received 5',
    ],
    [
      'startedAt undefined',
      'build',
      { ...build(), startedAt: undefined },
      'startedAt: Invalid type: Expected string but received undefined',
    ],
    [
      'finishedAt with an offset',
      'build',
      build({ finishedAt: '2026-11-28T10:00:00+01:00' }),
      'finishedAt: must be an ISO 8601 UTC time',
    ],
    [
      'updatedAt null',
      'build',
      { ...build(), updatedAt: null },
      'updatedAt: Invalid type: Expected string but received null',
    ],
    [
      'updatedAt too precise',
      'build',
      build({ updatedAt: '2026-11-28T10:00:00.1234567890Z' }),
      'updatedAt: must be an ISO 8601 UTC time',
    ],
    [
      'negative expected duration',
      'build',
      build({ expectedDurationMs: -5 }),
      'expectedDurationMs: must not be negative',
    ],
    [
      'fractional expected duration',
      'build',
      build({ expectedDurationMs: 1.2 }),
      'expectedDurationMs: must be an integer',
    ],
    ['url a number', 'build', { ...build(), url: 42 }, 'url: Invalid type: Expected string but received 42'],
    ['url an object', 'build', { ...build(), url: {} }, 'url: Invalid type: Expected string but received Object'],
    ['url a Map', 'build', { ...build(), url: new Map() }, 'url: Invalid type: Expected string but received Map'],
    ['url a boolean', 'build', { ...build(), url: true }, 'url: Invalid type: Expected string but received true'],
    [
      'two faults, the first named',
      'build',
      { ...build(), repo: 1, number: -1 },
      'repo: Invalid type: Expected string but received 1',
    ],
    [
      'reviewers not a list',
      'pull_request',
      { ...pullRequest(), reviewers: {} },
      'reviewers: Invalid type: Expected Array but received Object',
    ],
    [
      'null reviewer',
      'pull_request',
      { ...pullRequest(), reviewers: [null] },
      'reviewers.0: Invalid type: Expected Object but received null',
    ],
    [
      'reviewer login a number',
      'pull_request',
      { ...pullRequest(), reviewers: [{ login: 1, state: 'approved' }] },
      'reviewers.0.login: Invalid type: Expected string but received 1',
    ],
    [
      'reviewer state unknown',
      'pull_request',
      {
        ...pullRequest(),
        reviewers: [
          { login: 'a', state: 'approved' },
          { login: 'b', state: 'maybe' },
        ],
      },
      'reviewers.1.state: Invalid type: Expected ("approved" | "changes_requested" | "commented" | "pending") but received "maybe"',
    ],
    [
      'requiredApprovals null',
      'pull_request',
      { ...pullRequest(), requiredApprovals: null },
      'requiredApprovals: Invalid type: Expected number but received null',
    ],
    [
      'requiredApprovals negative',
      'pull_request',
      { ...pullRequest(), requiredApprovals: -1 },
      'requiredApprovals: must not be negative',
    ],
    [
      'draft a string',
      'pull_request',
      { ...pullRequest(), draft: 'no' },
      'draft: Invalid type: Expected boolean but received "no"',
    ],
    [
      'mergeable a string',
      'pull_request',
      { ...pullRequest(), mergeable: 'x' },
      'mergeable: Invalid type: Expected boolean but received "x"',
    ],
    [
      'unknown checks',
      'pull_request',
      { ...pullRequest(), checks: 'green' },
      'checks: Invalid type: Expected ("pending" | "passing" | "failing" | "none") but received "green"',
    ],
    [
      'unknown state',
      'pull_request',
      { ...pullRequest(), state: 'draft' },
      'state: Invalid type: Expected ("open" | "merged" | "closed") but received "draft"',
    ],
    ['empty blocked id', 'pull_request', { ...pullRequest(), blocks: ['pr2', ''] }, 'blocks.1: must not be empty'],
    [
      'blocks a string',
      'pull_request',
      { ...pullRequest(), blocks: 'pr2' },
      'blocks: Invalid type: Expected Array but received "pr2"',
    ],
    [
      'no createdAt',
      'pull_request',
      without(pullRequest(), 'createdAt'),
      'createdAt: Invalid key: Expected "createdAt" but received undefined',
    ],
    ['rollout over 100', 'deployment', deployment({ rolloutPercent: 101 }), 'rolloutPercent: must be 100 or less'],
    ['rollout negative', 'deployment', deployment({ rolloutPercent: -1 }), 'rolloutPercent: must be 0 or more'],
    [
      'rollout a string',
      'deployment',
      { ...deployment(), rolloutPercent: '50' },
      'rolloutPercent: Invalid type: Expected number but received "50"',
    ],
    ['empty environment', 'deployment', deployment({ environment: '' }), 'environment: must not be empty'],
    [
      'previousVersion a number',
      'deployment',
      { ...deployment(), previousVersion: 5 },
      'previousVersion: Invalid type: Expected string but received 5',
    ],
    [
      'unknown status',
      'deployment',
      { ...deployment(), status: 'done' },
      'status: Invalid type: Expected ("queued" | "in_progress" | "succeeded" | "failed" | "rolled_back") but received "done"',
    ],
    ['heartbeat 0', 'hello', { ...hello, heartbeatMs: 0 }, 'heartbeatMs: must be positive'],
    ['heartbeat negative', 'hello', { ...hello, heartbeatMs: -1 }, 'heartbeatMs: must not be negative'],
    ['heartbeat fractional', 'hello', { ...hello, heartbeatMs: 1.5 }, 'heartbeatMs: must be an integer'],
    [
      'heartbeat a string',
      'hello',
      { ...hello, heartbeatMs: '1' },
      'heartbeatMs: Invalid type: Expected number but received "1"',
    ],
    ['empty connection id', 'hello', { ...hello, connectionId: '' }, 'connectionId: must not be empty'],
    [
      'replayed a string',
      'hello',
      { ...hello, replayed: 'yes' },
      'replayed: Invalid type: Expected boolean but received "yes"',
    ],
    [
      'serverVersion a number',
      'hello',
      { ...hello, serverVersion: 1 },
      'serverVersion: Invalid type: Expected string but received 1',
    ],
    ['null', 'snapshot', null, '(root): Invalid type: Expected Object but received null'],
    [
      'builds an object',
      'snapshot',
      { ...snap, builds: {} },
      'builds: Invalid type: Expected Array but received Object',
    ],
    [
      'no pullRequests',
      'snapshot',
      without(snap, 'pullRequests'),
      'pullRequests: Invalid key: Expected "pullRequests" but received undefined',
    ],
    [
      'no serverTime',
      'snapshot',
      without(snap, 'serverTime'),
      'serverTime: Invalid key: Expected "serverTime" but received undefined',
    ],
    ['serverTime not a time', 'snapshot', { ...snap, serverTime: 'now' }, 'serverTime: must be an ISO 8601 UTC time'],
    ['no serverTime', 'heartbeat', {}, 'serverTime: Invalid key: Expected "serverTime" but received undefined'],
    ['serverTime a number', 'heartbeat', { serverTime: 1 }, 'serverTime: Invalid type: Expected string but received 1'],
    ['reason a number', 'reconnect', { reason: 5 }, 'reason: Invalid type: Expected string but received 5'],
    ['fractional offset', 'log', { buildId: 'b', offset: 1.5, lines: [] }, 'offset: must be an integer'],
    ['negative offset', 'log', { buildId: 'b', offset: -1, lines: [] }, 'offset: must not be negative'],
    [
      'a line not a string',
      'log',
      { buildId: 'b', offset: 0, lines: ['a', 1] },
      'lines.1: Invalid type: Expected string but received 1',
    ],
    [
      'too many lines',
      'log',
      { buildId: 'b', offset: 0, lines: Array.from({ length: 10_001 }, () => 'x') },
      'lines: has more than 10000 lines',
    ],
    [
      'too many lines, one bad',
      'log',
      { buildId: 'b', offset: 0, lines: [...Array.from({ length: 10_001 }, () => 'x'), 2] },
      'lines.10001: Invalid type: Expected string but received 2',
    ],
    [
      'lines a string',
      'log',
      { buildId: 'b', offset: 0, lines: 'x' },
      'lines: Invalid type: Expected Array but received "x"',
    ],
    ['empty build id', 'log', { buildId: '', offset: 0, lines: [] }, 'buildId: must not be empty'],
  ])('%s', (_, type, payload, reason) => {
    expect(parsePayload(type, payload)).toEqual({ ok: false, kind: 'invalid', type, reason })
  })
})

describe('a rejected ingest body names the item and field at fault', () => {
  it.each<[string, unknown, string]>([
    ['a number', 5, '(root): Invalid type: Expected Object but received 5'],
    ['null', null, '(root): Invalid type: Expected Object but received null'],
    [
      'no type',
      { data: build() },
      'type: Invalid type: Expected ("build" | "pull_request" | "deployment" | "log") but received undefined',
    ],
    [
      'unknown type',
      { type: 'deploy', data: {} },
      'type: Invalid type: Expected ("build" | "pull_request" | "deployment" | "log") but received "deploy"',
    ],
    [
      'numeric type',
      { type: 1, data: {} },
      'type: Invalid type: Expected ("build" | "pull_request" | "deployment" | "log") but received 1',
    ],
    ['no data', { type: 'build' }, 'data: Invalid key: Expected "data" but received undefined'],
    [
      'bad build',
      { type: 'build', data: { ...build(), status: 'x' } },
      'data.status: Invalid type: Expected ("queued" | "running" | "passed" | "failed" | "canceled") but received "x"',
    ],
    [
      'bad pull request',
      { type: 'pull_request', data: { ...pullRequest(), draft: 1 } },
      'data.draft: Invalid type: Expected boolean but received 1',
    ],
    [
      'bad deployment',
      { type: 'deployment', data: { ...deployment(), rolloutPercent: 200 } },
      'data.rolloutPercent: must be 100 or less',
    ],
    [
      'log without lines',
      { type: 'log', data: { buildId: 'b1' } },
      'data.lines: Invalid key: Expected "lines" but received undefined',
    ],
    [
      'log with an empty build id',
      { type: 'log', data: { buildId: '', lines: [] } },
      'data.buildId: must not be empty',
    ],
    [
      'array with a bad second item',
      [
        { type: 'build', data: build() },
        { type: 'log', data: null },
      ],
      '[1].data: Invalid type: Expected Object but received null',
    ],
    ['an array item null', [null], '[0].(root): Invalid type: Expected Object but received null'],
  ])('%s', (_, body, error) => {
    expect(validateIngest(body)).toEqual({ ok: false, error })
  })
})

describe('what passes comes out as valibot gave it', () => {
  it('a fresh object: known fields in schema order, then unknown ones, none that touch a prototype', () => {
    const { url, ...rest } = build()
    const text = JSON.stringify({ zeta: 1, url, ...rest, extra: { a: 1 } }).replace(
      '{',
      '{"__proto__":{"polluted":true},"constructor":"c","prototype":"p",',
    )
    const result = parseFrame('build', text)
    if (!result.ok) throw new Error(result.reason)
    expect(Object.keys(result.event.data)).toEqual([
      'id',
      'repo',
      'branch',
      'number',
      'status',
      'commit',
      'startedAt',
      'finishedAt',
      'updatedAt',
      'expectedDurationMs',
      'url',
      'zeta',
      'extra',
    ])
    expect(Object.getPrototypeOf(result.event.data)).toBe(Object.prototype)
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined()
  })

  it('copies nested objects and lists, keeping their unknown fields', () => {
    const pr = { ...pullRequest(), reviewers: [{ state: 'approved', login: 'x', extra: 1 }] }
    const result = parsePayload('pull_request', pr)
    if (!result.ok || result.event.type !== 'pull_request') throw new Error('rejected')
    const data = result.event.data
    expect(data).not.toBe(pr)
    expect(data.reviewers).not.toBe(pr.reviewers)
    expect(data.reviewers[0]).not.toBe(pr.reviewers[0])
    expect(JSON.stringify(data.reviewers)).toBe('[{"login":"x","state":"approved","extra":1}]')
  })

  it('an optional field absent stays absent; present as undefined, it is kept', () => {
    const absent = parsePayload('pull_request', without(pullRequest(), 'requiredApprovals'))
    const undef = parsePayload('pull_request', { ...pullRequest(), requiredApprovals: undefined })
    expect(absent.ok && 'requiredApprovals' in absent.event.data).toBe(false)
    expect(undef.ok && 'requiredApprovals' in undef.event.data).toBe(true)
  })

  it('an ingest item loses unknown fields around its data, and keeps those inside it', () => {
    const result = validateIngest([
      { extra: 1, data: { ...build(), more: 2 }, type: 'build' },
      { type: 'log', data: { lines: ['a'], buildId: 'b', x: 1 }, y: 2 },
    ])
    if (!result.ok) throw new Error(result.error)
    expect(Object.keys(result.items[0]!)).toEqual(['type', 'data'])
    expect(result.items[0]!.data).toMatchObject({ more: 2 })
    expect(JSON.stringify(result.items[1])).toBe('{"type":"log","data":{"buildId":"b","lines":["a"],"x":1}}')
  })

  it('a snapshot keeps its unknown fields and drops, with reasons, the entities that fail', () => {
    const result = parsePayload('snapshot', {
      extra: 1,
      serverTime: iso(0),
      deployments: [deployment()],
      pullRequests: [],
      builds: [build(), { id: 'bad' }],
    })
    if (!result.ok || result.event.type !== 'snapshot') throw new Error('rejected')
    expect(Object.keys(result.event.data)).toEqual(['builds', 'pullRequests', 'deployments', 'serverTime', 'extra'])
    expect(result.event.data.builds).toHaveLength(1)
    expect(result.dropped).toEqual([
      {
        ok: false,
        kind: 'invalid',
        type: 'build',
        reason: 'snapshot.builds[1].repo: Invalid key: Expected "repo" but received undefined',
      },
    ])
  })
})
