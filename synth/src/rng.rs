//! A tiny seeded generator (SplitMix64): reproducible across platforms and releases,
//! which a corpus with checked-in expectations needs more than statistical quality.

#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        lo + (self.next_u64() % ((hi - lo + 1) as u64)) as i64
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }

    /// `k` distinct indices of `0..n`, in increasing order.
    pub fn subset(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..n).collect();
        for i in 0..k.min(n) {
            let j = i + (self.next_u64() % (n - i) as u64) as usize;
            idx.swap(i, j);
        }
        let mut out = idx[..k.min(n)].to_vec();
        out.sort_unstable();
        out
    }

    /// Splits `total` into `parts` positive shares (when `total >= parts`).
    pub fn split(&mut self, total: i64, parts: usize) -> Vec<i64> {
        if parts == 0 {
            return Vec::new();
        }
        let weights: Vec<i64> = (0..parts).map(|_| self.range(1, 100)).collect();
        let sum: i64 = weights.iter().sum();
        let mut out: Vec<i64> = weights.iter().map(|w| total * w / sum).collect();
        let given: i64 = out.iter().sum();
        out[0] += total - given;
        out
    }
}
