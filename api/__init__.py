"""HTTP edge of the product: FastAPI routes, request/response models, error mapping."""
