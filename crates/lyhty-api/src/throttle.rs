//! Sign-in throttling, keyed by the client address ([`crate::client::ClientAddr`]).
//!
//! Two allowances, both GCRA limiters of the `governor` crate (a well-kept, lock-free
//! implementation whose check-and-take is one atomic compare-and-swap per key):
//!
//! - per account **and** client address: `login_max_failures` attempts per
//!   `login_window_minutes`. A successful sign-in forgets that pair's history, so the count is
//!   in effect one of failures. Because the key holds the address, a stranger hammering an
//!   account from elsewhere cannot lock its owner out.
//! - per client address across accounts: `login_max_per_address` attempts per window, so one
//!   address cannot spray many accounts.
//!
//! An attempt is taken from both allowances *before* the password is checked. Taking is the
//! check, so 200 parallel wrong passwords cannot all slip past a count that is read before it
//! is written, and a correct password hidden in a burst is refused once the limit is hit.
//!
//! The state lives in the process: behind several API instances each throttles on its own.

use crate::error::ApiError;
use crate::settings::Settings;
use dashmap::DashMap;
use governor::clock::{Clock, DefaultClock};
use governor::nanos::Nanos;
use governor::state::keyed::{DashMapStateStore, ShrinkableKeyedStateStore};
use governor::state::{InMemoryState, StateStore};
use governor::{Quota, RateLimiter};
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How often (in attempts) stale keys are swept, so the maps do not grow without bound.
const SWEEP_EVERY: u64 = 1024;

type AccountKey = (String, IpAddr);

/// Both sign-in allowances.
pub struct SignInThrottle {
    per_account: RateLimiter<AccountKey, ForgettableStore, DefaultClock>,
    /// The same map the limiter above measures in, kept to forget a key on success.
    per_account_states: Arc<DashMap<AccountKey, InMemoryState>>,
    per_address: RateLimiter<IpAddr, DashMapStateStore<IpAddr>, DefaultClock>,
    clock: DefaultClock,
    attempts: AtomicU64,
}

impl SignInThrottle {
    pub fn new(settings: &Settings) -> Self {
        let window = Duration::from_secs(60 * settings.login_window_minutes.max(1) as u64);
        let clock = DefaultClock::default();
        let states = Arc::new(DashMap::new());
        let per_account = RateLimiter::new(
            quota(settings.login_max_failures, window),
            ForgettableStore(states.clone()),
            clock.clone(),
        );
        let per_address =
            RateLimiter::new(quota(settings.login_max_per_address, window), DashMap::default(), clock.clone());
        Self { per_account, per_account_states: states, per_address, clock, attempts: AtomicU64::new(0) }
    }

    /// Takes one attempt for `email` from `addr`, or refuses with how long to wait.
    pub fn attempt(&self, email: &str, addr: IpAddr) -> Result<(), ApiError> {
        if self.attempts.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.sweep();
        }
        let addr = throttling_key(addr);
        // The account's allowance first: hammering one account then leaves the address's
        // allowance, and so the other people behind the same address, alone.
        self.per_account.check_key(&(email.to_string(), addr)).map_err(|not_until| self.refusal(&not_until))?;
        self.per_address.check_key(&addr).map_err(|not_until| self.refusal(&not_until))
    }

    /// A successful sign-in: the pair's failures are forgotten. The address's allowance is
    /// not, so a valid account of one's own cannot be used to reset spraying others.
    pub fn succeeded(&self, email: &str, addr: IpAddr) {
        self.per_account_states.remove(&(email.to_string(), throttling_key(addr)));
    }

    fn refusal(&self, not_until: &governor::NotUntil<<DefaultClock as Clock>::Instant>) -> ApiError {
        let wait = not_until.wait_time_from(self.clock.now());
        ApiError::TooManyRequests { retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0) }
    }

    fn sweep(&self) {
        self.per_account.retain_recent();
        self.per_account.shrink_to_fit();
        self.per_address.retain_recent();
        self.per_address.shrink_to_fit();
    }
}

fn quota(burst: u32, window: Duration) -> Quota {
    let burst = NonZeroU32::new(burst.max(1)).expect("at least 1");
    let per_attempt = (window / burst.get()).max(Duration::from_millis(1));
    Quota::with_period(per_attempt).expect("a positive period").allow_burst(burst)
}

/// One IPv6 holder usually has a whole /64, so IPv6 addresses are throttled by their /64;
/// IPv4-mapped IPv6 addresses count as the IPv4 address they are.
pub(crate) fn throttling_key(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        },
        v4 => v4,
    }
}

/// governor's DashMap store behind an `Arc`, so a key can be removed from outside the limiter.
struct ForgettableStore(Arc<DashMap<AccountKey, InMemoryState>>);

impl StateStore for ForgettableStore {
    type Key = AccountKey;

    fn measure_and_replace<T, F, E>(&self, key: &AccountKey, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        StateStore::measure_and_replace(&*self.0, key, f)
    }
}

impl ShrinkableKeyedStateStore<AccountKey> for ForgettableStore {
    fn retain_recent(&self, drop_below: Nanos) {
        ShrinkableKeyedStateStore::retain_recent(&*self.0, drop_below);
    }

    fn shrink_to_fit(&self) {
        self.0.shrink_to_fit();
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Feed requests allowed per client address and minute. The token is the secret, so
/// guessing is what this slows down; a calendar app asks a few times an hour.
const FEED_REQUESTS_PER_MINUTE: u32 = 30;

/// The feed's throttle per client address (in this process, as sign-in's).
pub struct FeedThrottle(RateLimiter<IpAddr, DashMapStateStore<IpAddr>, DefaultClock>);

impl Default for FeedThrottle {
    fn default() -> Self {
        let per_minute = NonZeroU32::new(FEED_REQUESTS_PER_MINUTE).expect("positive");
        Self(RateLimiter::dashmap(Quota::per_minute(per_minute)))
    }
}

impl FeedThrottle {
    /// Takes one request for `addr`, or refuses with how long to wait.
    pub fn attempt(&self, addr: IpAddr) -> Result<(), ApiError> {
        self.0.check_key(&throttling_key(addr)).map_err(|_| ApiError::TooManyRequests {
            retry_after_secs: u64::from(60 / FEED_REQUESTS_PER_MINUTE).max(1),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(per_account: u32, per_address: u32) -> Settings {
        Settings { login_max_failures: per_account, login_max_per_address: per_address, ..Settings::default() }
    }

    #[test]
    fn the_account_allowance_is_per_address_and_a_success_forgets_it() {
        let throttle = SignInThrottle::new(&settings(3, 100));
        let stranger: IpAddr = "203.0.113.7".parse().unwrap();
        let owner: IpAddr = "198.51.100.2".parse().unwrap();
        for _ in 0..3 {
            assert!(throttle.attempt("a@example.fi", stranger).is_ok());
        }
        let refused = throttle.attempt("a@example.fi", stranger).unwrap_err();
        assert!(
            matches!(refused, ApiError::TooManyRequests { retry_after_secs } if (1..=300).contains(&retry_after_secs))
        );
        // The owner, elsewhere, is not affected; and their successes do not add up.
        for _ in 0..10 {
            assert!(throttle.attempt("a@example.fi", owner).is_ok());
            throttle.succeeded("a@example.fi", owner);
        }
        assert!(throttle.attempt("a@example.fi", stranger).is_err(), "the stranger is still refused");
    }

    #[test]
    fn one_address_cannot_spray_accounts() {
        let throttle = SignInThrottle::new(&settings(5, 4));
        let addr: IpAddr = "203.0.113.7".parse().unwrap();
        let allowed = (0..10).filter(|i| throttle.attempt(&format!("u{i}@example.fi"), addr).is_ok()).count();
        assert_eq!(allowed, 4);
        assert!(throttle.attempt("other@example.fi", "203.0.113.8".parse().unwrap()).is_ok());
    }

    #[test]
    fn ipv6_is_throttled_by_its_64_prefix() {
        let throttle = SignInThrottle::new(&settings(5, 2));
        assert!(throttle.attempt("a@x.fi", "2001:db8::1".parse().unwrap()).is_ok());
        assert!(throttle.attempt("b@x.fi", "2001:db8::ffff:2".parse().unwrap()).is_ok());
        assert!(throttle.attempt("c@x.fi", "2001:db8:0:0:1::3".parse().unwrap()).is_err());
        assert!(throttle.attempt("c@x.fi", "2001:db8:0:1::3".parse().unwrap()).is_ok());
    }
}
