from ninja import NinjaAPI

api = NinjaAPI(title="民心信访工作平台 API", version="1", urls_namespace="api")


@api.get("/ping", auth=None, summary="连通性检查")
def ping(request):
    return {"status": "ok"}
