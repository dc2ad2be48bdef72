// mulberry32: a small, fast, seeded PRNG, so generated histories and fixtures repeat exactly for a seed.
// Shared by the runaway and estimator histories, the dashboard fixtures and the demo logs of `npm start`.
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
