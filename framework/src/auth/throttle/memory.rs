//! The throttle's counts in this process's memory.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::{Keys, ThrottleConfig, Verdict};

/// Above this many keys, expired ones are swept on the next attempt (bounded memory).
const SWEEP_ABOVE: usize = 10_000;

/// Failure times (with the attempt that added each) and next free turns, by key.
#[derive(Debug, Default)]
pub(super) struct MemoryStore {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    failures: HashMap<String, VecDeque<(Instant, u64)>>,
    turns: HashMap<String, Instant>,
}

impl MemoryStore {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent at every step, so a panic elsewhere leaves it usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The same rules as the Redis script (`attempt.lua`), one attempt at a time.
    pub(super) fn begin(&self, config: &ThrottleConfig, keys: &Keys, member: u64) -> Verdict {
        let now = Instant::now();
        let mut state = self.lock();
        state.sweep(now, config.window);
        let limit = config.limit;
        let spray_limit = limit.saturating_mul(4);
        if let Some(device) = &keys.device {
            if let Some(retry_after) = state.full(device, limit, now, config.window) {
                return Verdict::Refuse { retry_after };
            }
            state.add(device, now, member, spray_limit);
            return Verdict::Allow;
        }
        if let (Some(pair), Some(client)) = (&keys.pair, &keys.client) {
            let refusal = state
                .full(pair, limit, now, config.window)
                .or_else(|| state.full(client, spray_limit, now, config.window));
            if let Some(retry_after) = refusal {
                return Verdict::Refuse { retry_after };
            }
        }
        let mut wait = Duration::ZERO;
        if state.full(&keys.user, limit, now, config.window).is_some() {
            let turn = state
                .turns
                .get(&keys.slot)
                .copied()
                .filter(|&turn| turn > now)
                .unwrap_or(now);
            wait = turn - now;
            if wait > config.max_wait {
                return Verdict::Refuse { retry_after: wait };
            }
            state.turns.insert(keys.slot.clone(), turn + config.delay);
        }
        for key in [Some(&keys.user), keys.client.as_ref(), keys.pair.as_ref()]
            .into_iter()
            .flatten()
        {
            state.add(key, now, member, spray_limit);
        }
        if wait.is_zero() {
            Verdict::Allow
        } else {
            Verdict::Wait(wait)
        }
    }

    pub(super) fn succeeded(&self, keys: &Keys, member: u64) {
        let mut state = self.lock();
        for key in [Some(&keys.user), keys.client.as_ref()]
            .into_iter()
            .flatten()
        {
            if let Some(times) = state.failures.get_mut(key) {
                times.retain(|&(_, m)| m != member);
            }
        }
        for key in [keys.pair.as_ref(), keys.device.as_ref()]
            .into_iter()
            .flatten()
        {
            state.failures.remove(key);
        }
    }
}

impl State {
    /// When `key` holds at least `need` failures in the window: how long until one leaves it.
    fn full(&mut self, key: &str, need: usize, now: Instant, window: Duration) -> Option<Duration> {
        let times = self.failures.get_mut(key)?;
        expire(times, now, window);
        let at = times.len().checked_sub(need.max(1))?;
        Some(window.saturating_sub(now - times[at].0))
    }

    fn add(&mut self, key: &str, now: Instant, member: u64, keep: usize) {
        let times = self.failures.entry(key.to_owned()).or_default();
        times.push_back((now, member));
        // Only the newest `4 × limit` matter for any verdict.
        while times.len() > keep.max(1) {
            times.pop_front();
        }
    }

    fn sweep(&mut self, now: Instant, window: Duration) {
        if self.failures.len() > SWEEP_ABOVE {
            self.failures.retain(|_, times| {
                expire(times, now, window);
                !times.is_empty()
            });
        }
        if self.turns.len() > SWEEP_ABOVE {
            self.turns.retain(|_, turn| *turn > now);
        }
    }
}

fn expire(times: &mut VecDeque<(Instant, u64)>, now: Instant, window: Duration) {
    while times
        .front()
        .is_some_and(|&(t, _)| now.duration_since(t) >= window)
    {
        times.pop_front();
    }
}
