"""Saves the notification blocks the notifications test sends through, all pointing at its receiver (the
first argument, http://127.0.0.1:<port>), and prints their ids: Slack, custom webhook, generic webhook."""
import sys

from prefect.blocks.notifications import CustomWebhookNotificationBlock, SlackWebhook
from prefect.blocks.webhook import Webhook

receiver = sys.argv[1]
print(SlackWebhook(url=f"{receiver}/slack").save("to-slack"))
print(
    CustomWebhookNotificationBlock(
        name="custom",
        url=f"{receiver}/custom/{{{{token}}}}",
        json_data={"text": "{{subject}}|{{body}}", "from": "{{name}}"},
        secrets={"token": "t0k3n"},
    ).save("to-custom")
)
print(Webhook(url=f"{receiver}/hook", headers={"Authorization": "Bearer s3cret"}).save("to-hook"))
