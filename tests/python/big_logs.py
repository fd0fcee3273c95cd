"""A flow that logs 40 lines of 90 kB each: the client sends them to the API in batches of up to
PREFECT_LOGGING_TO_API_BATCH_SIZE (4,000,000 bytes). Prints the flow run's id."""
from prefect import flow, get_run_logger

LINES = 40
LINE = "x" * 90_000


@flow(name="big-logs")
def big_logs() -> None:
    logger = get_run_logger()
    for number in range(LINES):
        logger.info("line %02d %s", number, LINE)


if __name__ == "__main__":
    state = big_logs(return_state=True)
    print("FLOW_RUN_ID", state.state_details.flow_run_id)
