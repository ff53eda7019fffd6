import { storeThroughputBench } from '../storeThroughput'
const rows = await storeThroughputBench.run({ quick: true, tmpDir: '/tmp', distDir: '/tmp', log: console.log })
for (const r of rows) console.log(r.id, r.runs.map((x) => Math.round(x)))
