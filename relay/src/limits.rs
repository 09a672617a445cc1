//! Sessions per client address: one address (one IPv6 /64, where a single host or home
//! network usually has many addresses) may hold only so many sessions at once, so one
//! client cannot take every slot of the global limit.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// Counts open sessions by client address.
#[derive(Debug)]
pub struct PerIpLimit {
    max: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One session's place in the count; dropping it gives the place back.
#[derive(Debug)]
pub struct IpPermit {
    limit: Arc<PerIpLimit>,
    key: IpAddr,
}

/// The address a limit counts: IPv4 as is (also when mapped into IPv6), IPv6 by /64.
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
    }
}

impl PerIpLimit {
    /// At most `max` sessions per address.
    pub fn new(max: usize) -> Arc<PerIpLimit> {
        Arc::new(PerIpLimit {
            max,
            open: Mutex::new(HashMap::new()),
        })
    }

    /// A place for one more session from `ip`, or `None` when it has `max` already.
    pub fn try_acquire(self: &Arc<Self>, ip: IpAddr) -> Option<IpPermit> {
        let key = limit_key(ip);
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(key).or_default();
        if *count >= self.max {
            return None;
        }
        *count += 1;
        Some(IpPermit {
            limit: Arc::clone(self),
            key,
        })
    }
}

impl Drop for IpPermit {
    fn drop(&mut self) {
        let mut open = self.limit.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_at_most_max_places_and_gets_them_back() {
        let limit = PerIpLimit::new(2);
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        let a = limit.try_acquire(ip).unwrap();
        let _b = limit.try_acquire(ip).unwrap();
        assert!(limit.try_acquire(ip).is_none());
        assert!(limit.try_acquire("203.0.113.8".parse().unwrap()).is_some());
        drop(a);
        assert!(limit.try_acquire(ip).is_some());
    }

    #[test]
    fn ipv6_counts_by_64_and_mapped_ipv4_as_ipv4() {
        let limit = PerIpLimit::new(1);
        let _one = limit
            .try_acquire("2001:db8:1:2::1".parse().unwrap())
            .unwrap();
        assert!(
            limit
                .try_acquire("2001:db8:1:2:ffff::9".parse().unwrap())
                .is_none()
        );
        assert!(
            limit
                .try_acquire("2001:db8:1:3::1".parse().unwrap())
                .is_some()
        );
        let _v4 = limit.try_acquire("198.51.100.1".parse().unwrap()).unwrap();
        assert!(
            limit
                .try_acquire("::ffff:198.51.100.1".parse().unwrap())
                .is_none()
        );
    }
}
