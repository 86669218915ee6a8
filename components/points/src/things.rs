//! The metrics ("things") users earn, with the original's numeric ids, and the atid filter.

use std::fmt;
use std::str::FromStr;

/// A metric: its name in the API and its id in the keys (`hz:<id>:...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Thing {
    /// `steps`, id 1.
    Steps,
    /// `calories`, id 2.
    Calories,
    /// `points`, id 3.
    Points,
    /// `distance`, id 4.
    Distance,
    /// `cb`, id 5.
    Cb,
}

/// Every thing, in id order.
pub const THINGS: [Thing; 5] = [
    Thing::Steps,
    Thing::Calories,
    Thing::Points,
    Thing::Distance,
    Thing::Cb,
];

impl Thing {
    /// The numeric id used in Redis keys.
    pub fn id(self) -> u8 {
        match self {
            Thing::Steps => 1,
            Thing::Calories => 2,
            Thing::Points => 3,
            Thing::Distance => 4,
            Thing::Cb => 5,
        }
    }

    /// The name used in the API.
    pub fn name(self) -> &'static str {
        match self {
            Thing::Steps => "steps",
            Thing::Calories => "calories",
            Thing::Points => "points",
            Thing::Distance => "distance",
            Thing::Cb => "cb",
        }
    }
}

/// A name that is not one of [`THINGS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownThing(pub String);

impl fmt::Display for UnknownThing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown thing {:?} (expected one of steps, calories, points, distance, cb)",
            self.0
        )
    }
}

impl FromStr for Thing {
    type Err = UnknownThing;

    fn from_str(s: &str) -> Result<Thing, UnknownThing> {
        THINGS
            .into_iter()
            .find(|t| t.name() == s)
            .ok_or_else(|| UnknownThing(s.to_string()))
    }
}

/// Which activity types a query counts: all, or one atid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Atid {
    /// Every activity type (`all`).
    All,
    /// Only this activity type.
    Only(i64),
}

impl Atid {
    /// Whether activity type `atid` passes the filter.
    pub fn admits(self, atid: i64) -> bool {
        match self {
            Atid::All => true,
            Atid::Only(a) => a == atid,
        }
    }

    /// The filter as the Lua scripts take it: `""` for all, else the decimal atid.
    pub fn script_arg(self) -> String {
        match self {
            Atid::All => String::new(),
            Atid::Only(a) => a.to_string(),
        }
    }
}

impl FromStr for Atid {
    type Err = std::num::ParseIntError;

    /// `all` (the original's spelling; `0` is an atid like any other) or an integer.
    fn from_str(s: &str) -> Result<Atid, Self::Err> {
        if s == "all" {
            Ok(Atid::All)
        } else {
            s.parse().map(Atid::Only)
        }
    }
}

/// Whether `name` may be a counter name (`c:<name>:...`): 1..=200 of `A-Z a-z 0-9 _ - .`.
pub fn is_counter_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids() {
        for (i, t) in THINGS.into_iter().enumerate() {
            assert_eq!(t.id() as usize, i + 1);
            assert_eq!(t.name().parse::<Thing>().unwrap(), t);
        }
        assert!("Steps".parse::<Thing>().is_err());
    }

    #[test]
    fn atid_filters() {
        assert_eq!("all".parse::<Atid>().unwrap(), Atid::All);
        assert_eq!("0".parse::<Atid>().unwrap(), Atid::Only(0));
        assert!("x".parse::<Atid>().is_err());
        assert_eq!(Atid::Only(7).script_arg(), "7");
        assert_eq!(Atid::All.script_arg(), "");
        assert!(Atid::All.admits(3) && Atid::Only(3).admits(3) && !Atid::Only(3).admits(4));
    }

    #[test]
    fn counter_names() {
        assert!(is_counter_name("logins_42"));
        assert!(!is_counter_name(""));
        assert!(!is_counter_name("a:b"));
        assert!(!is_counter_name("a b"));
    }
}
