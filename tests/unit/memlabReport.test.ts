import { describe, expect, it } from 'vitest'
import { keepsGrowing, parseUnboundObjects } from '../bench/lib/memlab'

// The page soak names what keeps growing from memlab's report: a report it misreads would
// hide a leak (or name one that is not there).

const REPORT = [
  '\x1b[Kcalculating dominators and retained sizes ...',
  '\x1b[KTop growing objects in sizes:',
  ' (Use `memlab trace --node-id=@ID` to get trace)',
  '',
  '· system / Context / scope @62597 [object](@62599):  265.3KB > 372.7KB > 388.3KB',
  '· Window [JSGlobalObject] / http://127.0.0.1:34445 [object](@43587):  46KB > 46.3KB > 46.3KB',
  '· pe [closure](@84989):  28 bytes > 24.3KB > 24.3KB',
  '· settle [closure](@104675):  16.2KB > 6.1KB > 16.5KB',
  '· Map [object](@104651):  1.5MB > 1.9MB > 2MB',
  '· Set [object](@104700):  1 byte > 30KB > 31KB',
].join('\n')

describe("memlab's unbound-object report", () => {
  it('reads every listed object with its size in each snapshot', () => {
    const objects = parseUnboundObjects(REPORT)
    expect(objects.map((o) => o.name)).toEqual([
      'system / Context / scope @62597 [object](@62599)',
      'Window [JSGlobalObject] / http://127.0.0.1:34445 [object](@43587)',
      'pe [closure](@84989)',
      'settle [closure](@104675)',
      'Map [object](@104651)',
      'Set [object](@104700)',
    ])
    // memlab's units are decimal.
    expect(objects[0]!.sizes).toEqual([265_300, 372_700, 388_300])
    expect(objects[2]!.sizes).toEqual([28, 24_300, 24_300])
    expect(objects[4]!.sizes).toEqual([1_500_000, 1_900_000, 2_000_000])
    expect(objects[5]!.sizes).toEqual([1, 30_000, 31_000])
  })

  it('keeps only what grew at every snapshot, not what grew once or went down', () => {
    expect(keepsGrowing(parseUnboundObjects(REPORT)).map((o) => o.name)).toEqual([
      'system / Context / scope @62597 [object](@62599)',
      'Map [object](@104651)',
      'Set [object](@104700)',
    ])
  })

  it('finds nothing in a report without the list', () => {
    expect(parseUnboundObjects('parsing s1.heapsnapshot ...\nno growing objects\n')).toEqual([])
  })
})
