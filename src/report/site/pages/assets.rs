//! The site's stylesheet and script (style.css, script.js), rendered from
//! their templates with the shared context so an estate can restyle its report.

use crate::report::site::shared::Shared;
use crate::report::site::table::Table;
use crate::report::site::{Error, Writer};

pub(crate) fn write(sh: &Shared<'_>, _: &[Table], w: &Writer<'_>) -> Result<(), Error> {
    for asset in ["style.css", "script.js"] {
        w.write(asset, asset, &sh.base)?;
    }
    Ok(())
}
