"""S8: one flow that uses every flow feature at once, as issue 12's acceptance asks: tagged tasks under a tag
limit, `concurrency()`, `rate_limit()`, a markdown artifact, a variable and a Secret block. The test makes the
limits with the CLI first. Prints one JSON line: the flow's final state and its result."""
import json

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.blocks.system import Secret
from prefect.concurrency.sync import concurrency, rate_limit
from prefect.variables import Variable


@task(tags=["s8-limited"])
def double(x: int) -> int:
    return 2 * x


@flow(name="s8-everything")
def everything() -> dict:
    Variable.set("s8-greeting", "hello", overwrite=True)
    secret = Secret.load("s8-secret").get()
    with concurrency("s8-occupy", occupy=1):
        doubled = [future.result() for future in [double.submit(i) for i in range(4)]]
    rate_limit("s8-rate")
    create_markdown_artifact(key="s8-report", markdown=f"# Sum: {sum(doubled)}")
    return {"sum": sum(doubled), "secret": secret, "greeting": Variable.get("s8-greeting")}


if __name__ == "__main__":
    Secret(value="s3cret").save("s8-secret", overwrite=True)
    state = everything(return_state=True)
    print(json.dumps({"state": state.type.value, "result": state.result(raise_on_failure=False)}, default=str))
