"""Pause and resume with the official client. `resume`: a flow pauses and another client resumes it; `timeout`: no
one resumes it; `input`: it waits for input, a bad value is refused and a good one comes back to the flow. Prints
the final state, the flow run id, and what each resume answered."""
import sys
import threading
import time

from prefect import flow, get_client
from prefect.flow_runs import pause_flow_run, resume_flow_run
from prefect.input import RunInput


class Approval(RunInput):
    approver: str
    level: int


@flow(name="pausing-flow")
def pausing(mode: str):
    if mode == "input":
        answer = pause_flow_run(wait_for_input=Approval, timeout=60, poll_interval=1)
        return f"{answer.approver}:{answer.level}"
    pause_flow_run(timeout=60 if mode == "resume" else 2, poll_interval=1, key="only")
    return "resumed"


def paused_run_id(deadline: float):
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            for run in client.read_flow_runs():
                if run.state and run.state.is_paused():
                    return run.id
            time.sleep(0.2)
    raise SystemExit("the flow never paused")


if __name__ == "__main__":
    mode = sys.argv[1]
    outcome = {}
    runner = threading.Thread(target=lambda: outcome.update(state=pausing(mode, return_state=True)))
    runner.start()
    if mode != "timeout":
        run_id = paused_run_id(time.monotonic() + 30)
        print("PAUSED", run_id)
        if mode == "input":
            with get_client(sync_client=True) as client:
                bad = client.resume_flow_run(run_id, run_input={"approver": "ann", "level": "high"})
                print("BAD_INPUT", bad.status.value, bad.details.reason)
                missing = client.resume_flow_run(run_id, run_input={"level": 2})
                print("MISSING_INPUT", missing.status.value, missing.details.reason)
            resume_flow_run(run_id, run_input={"approver": "ann", "level": 2})
        else:
            resume_flow_run(run_id)
    runner.join(90)
    state = outcome["state"]
    print("FINAL_STATE", state.type.value, state.name)
    print("FLOW_RUN_ID", state.state_details.flow_run_id)
    print("MESSAGE", state.message)
    if state.is_completed():
        print("RESULT", state.result())
    with get_client(sync_client=True) as client:
        again = client.resume_flow_run(state.state_details.flow_run_id)
        print("RESUME_AGAIN", again.status.value, again.details.reason)
