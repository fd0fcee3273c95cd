"""S5: a flow that publishes every kind of artifact the SDK makes (a progress artifact updated in place) and
reads and sets variables; prints its final state and what it read."""
import sys

from prefect import flow, task
from prefect.artifacts import (
    create_image_artifact,
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.variables import Variable


@task
def report(rows: list) -> None:
    create_table_artifact(key="s5-table", table=rows, description="rows")


@flow(name="artifacts-and-variables")
def publish() -> dict:
    threshold = Variable.get("s5_threshold", default=7)
    Variable.set("s5_threshold", threshold + 1, overwrite=True)
    Variable.set("s5_config", {"region": "eu", "sizes": [1, 2]}, tags=["s5"])
    create_markdown_artifact(key="s5-report", markdown="# Report v1", description="first")
    create_markdown_artifact(key="s5-report", markdown="# Report v2", description="second")
    report([{"a": 1, "b": "x"}, {"a": 2, "b": "y"}])
    create_link_artifact(key="s5-link", link="https://example.com/data", link_text="data")
    progress = create_progress_artifact(progress=0.0, key="s5-progress", description="work")
    update_progress_artifact(artifact_id=progress, progress=50.0)
    update_progress_artifact(artifact_id=progress, progress=100.0)
    create_image_artifact(image_url="https://example.com/chart.png", key="s5-image")
    return {"threshold": Variable.get("s5_threshold"), "config": Variable.get("s5_config")}


if __name__ == "__main__":
    state = publish(return_state=True)
    print("FINAL_STATE", state.type.value, state.name)
    print("FLOW_RUN_ID", state.state_details.flow_run_id)
    print("RESULT", state.result() if state.is_completed() else state.message)
    sys.exit(0 if state.is_completed() else 1)
