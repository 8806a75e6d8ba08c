//! Paging, written once for every live collector: a [`Pager`] says which
//! token to ask the next page with — none for the first, then the one the
//! last page gave — until a page gives none (or an empty one). A server
//! that gives a token it already gave would have the collector page
//! forever, so paging stops there with [`RepeatedToken`]: an error, never a
//! silent end, since the listing is incomplete.
//!
//! What a page holds, how it is asked for and where its token is (AWS's
//! `NextToken` or `Marker`, Azure's `$skipToken` or `nextLink`,
//! Kubernetes' `continue`) stay with each collector, in a loop of the form
//! `while let Some(token) = pager.next_page() { …; pager.turn(next)?; }`. A plain
//! loop rather than a function taking an async closure: the AWS collector's
//! futures must be `Send`, which async closures borrowing their caller's
//! state cannot yet promise.

use std::collections::HashSet;

/// A server gave a page token it had already given: paging would never end.
#[derive(Debug, thiserror::Error)]
#[error("the server gave page token `{token}` twice; stopped paging")]
pub struct RepeatedToken {
    pub token: String,
}

/// The page tokens one listing (or several sharing a guard) has been given.
#[derive(Debug, Default)]
pub struct Tokens(HashSet<String>);

/// Where one listing is.
#[derive(Debug)]
pub struct Pager {
    /// The token to ask the next page with (`Some(None)`: the first page);
    /// `None` once the last page came.
    pending: Option<Option<String>>,
    tokens: Tokens,
}

impl Default for Pager {
    fn default() -> Self {
        Pager::with_tokens(Tokens::default())
    }
}

impl Pager {
    /// A listing whose tokens must also differ from those in `tokens`
    /// (another listing's, from [`Pager::into_tokens`]).
    pub fn with_tokens(tokens: Tokens) -> Self {
        Pager {
            pending: Some(None),
            tokens,
        }
    }

    /// The token to ask the next page with: `Some(None)` for the first
    /// page, `None` when the last page has come (or [`Pager::turn`] was not
    /// called after a page).
    pub fn next_page(&mut self) -> Option<Option<String>> {
        self.pending.take()
    }

    /// Note the token a page gave: none or empty, it was the last page.
    pub fn turn(&mut self, token: Option<&str>) -> Result<(), RepeatedToken> {
        match token.filter(|t| !t.is_empty()) {
            Some(t) if !self.tokens.0.insert(t.to_string()) => Err(RepeatedToken {
                token: t.to_string(),
            }),
            Some(t) => {
                self.pending = Some(Some(t.to_string()));
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// The tokens given so far, to guard a following listing with.
    pub fn into_tokens(self) -> Tokens {
        self.tokens
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokens asked with when a server answers `answers` in turn.
    fn asked(pager: &mut Pager, answers: &[Option<&str>]) -> (Vec<Option<String>>, Option<String>) {
        let mut asked = Vec::new();
        while let Some(token) = pager.next_page() {
            asked.push(token);
            if let Err(e) = pager.turn(answers[asked.len() - 1]) {
                return (asked, Some(e.to_string()));
            }
        }
        (asked, None)
    }

    #[test]
    fn pages_follow_tokens_until_none_or_empty() {
        for last in [None, Some("")] {
            let (asked, error) = asked(&mut Pager::default(), &[Some("a"), Some("b"), last]);
            assert_eq!(asked, [None, Some("a".into()), Some("b".into())]);
            assert_eq!(error, None);
        }
    }

    #[test]
    fn a_repeated_token_stops_paging_with_an_error() {
        let (asked, error) = asked(&mut Pager::default(), &[Some("b"), Some("a"), Some("b")]);
        assert_eq!(asked.len(), 3);
        assert_eq!(
            error.as_deref(),
            Some("the server gave page token `b` twice; stopped paging")
        );
    }

    #[test]
    fn a_token_of_an_earlier_listing_counts_as_repeated() {
        let mut first = Pager::default();
        asked(&mut first, &[Some("x"), None]);
        let (_, error) = asked(&mut Pager::with_tokens(first.into_tokens()), &[Some("x")]);
        assert!(error.is_some_and(|e| e.contains("`x` twice")));
    }
}
