from django.tasks import task


@task(queue_name="default")
def deliver_task(delivery_id: int) -> str:
    from minxin.notify.services import deliver

    delivery = deliver(delivery_id)
    return delivery.status if delivery is not None else "skipped"
