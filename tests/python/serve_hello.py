import sys
from prefect import flow, get_run_logger

@flow(log_prints=True)
def hello(name: str = "world", times: int = 1):
    logger = get_run_logger()
    for _ in range(times):
        logger.info(f"Hello {name}!")
    return f"hi {name}"

if __name__ == "__main__":
    hello.serve(name=sys.argv[1] if len(sys.argv) > 1 else "svc", interval=3600, parameters={"name": "served"})
