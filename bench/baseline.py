"""The baseline: one FastAPI `async def` endpoint returning a small constant JSON."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root() -> dict[str, object]:
    return {"requestId": "592A27EF-26D3-1434-98C1-97AD63337852", "success": True, "httpStatusCode": 200}
