from django.tasks import task


@task(queue_name="default")
def deliver_task(delivery_id: int) -> str:
    from minxin.notify.models import Delivery, DeliveryStatus
    from minxin.notify.services import _enqueue, deliver

    delivery = deliver(delivery_id)
    if delivery is not None:
        return delivery.status
    held = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).values_list("lease_until", flat=True).first()
    if held is not None:
        # Another claimant holds the row: look again when its lease runs out, in case it died.
        _enqueue(delivery_id, run_after=held)
        return "held"
    return "skipped"
