from django.tasks import task


@task(queue_name="default")
def deliver_webhook_task(delivery_id: int) -> str:
    from minxin.exchange.webhooks.services import deliver, reschedule_if_held

    delivery = deliver(delivery_id)
    if delivery is not None:
        return delivery.status
    return reschedule_if_held(delivery_id)
