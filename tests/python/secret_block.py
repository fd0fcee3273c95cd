"""Blocks: a flow saves a Secret block and loads it back. Prints the final state and the loaded value."""
from prefect import flow
from prefect.blocks.system import Secret


@flow(name="secret-block")
def secret_round_trip() -> str:
    Secret(value="s3cret").save("my-secret")
    return Secret.load("my-secret").get()


if __name__ == "__main__":
    state = secret_round_trip(return_state=True)
    print("STATE", state.type.value)
    print("VALUE", state.result())
