//! Lambda: every function of the region with its runtime, memory and
//! architectures (`lambda-list-functions.json`), paged by `Marker`.

use serde_json::json;

use super::{Call, Error, Fetched, Service, record};
use crate::collect::paging::Pager;

pub(super) const FUNCTIONS: Service = Service {
    name: "lambda",
    fetch: |c| Box::pin(functions(c)),
};

async fn functions(c: &Call<'_>) -> Result<Fetched, Error> {
    record(c.ops, "lambda:ListFunctions");
    let client = aws_sdk_lambda::Client::new(c.cfg);
    let mut list = Vec::new();
    let mut pager = Pager::default();
    while let Some(marker) = pager.next_page() {
        let page = client.list_functions().set_marker(marker).send().await?;
        for f in page.functions() {
            list.push(json!({
                "FunctionName": f.function_name(),
                "FunctionArn": f.function_arn(),
                "Runtime": f.runtime().map(|r| r.as_str()),
                "MemorySize": f.memory_size(),
                "Architectures": f.architectures().iter().map(|a| a.as_str()).collect::<Vec<_>>(),
            }));
        }
        pager.turn(page.next_marker())?;
    }
    let n = list.len();
    Ok(Fetched::file(
        "lambda-list-functions.json",
        json!({ "Functions": list }),
        n,
    ))
}
