"""A background task: `serve` runs a task worker for it (as `prefect task serve` does), `submit` sends it with
`.delay()` and prints the result the worker produced, and the task run's final state."""
import sys

from prefect import get_client, task


@task(name="add-numbers")
def add(x: int, y: int) -> int:
    return x + y


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        from prefect.task_worker import serve

        serve(add)
    else:
        future = add.delay(2, 3)
        print("TASK_RUN_ID", future.task_run_id)
        print("RESULT", future.result(timeout=60))
        with get_client(sync_client=True) as client:
            run = client.read_task_run(future.task_run_id)
            print("FINAL_STATE", run.state.type.value, run.state.name)
            workers = client._client.post("/task_workers/filter", json={"task_worker_filter": {"task_keys": [run.task_key]}})
            print("WORKERS", workers.status_code, len(workers.json()))
