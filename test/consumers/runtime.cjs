// Requires every subpath of the installed tarball (CommonJS) and touches one value of each.
const subpaths = JSON.parse(process.argv[2])
for (const s of subpaths) {
  const m = require(s)
  if (Object.keys(m).length === 0) throw new Error(`${s}: no exports`)
}
const { Decimal } = require('tradekit')
if (new Decimal('0.1').plus('0.2').toString() !== '0.3') throw new Error('Decimal arithmetic')
console.log(`cjs ok: ${subpaths.length} subpaths`)
