def save_image(tensor, fp, *a, **k):
    with open(fp, "wb") as f:
        f.write(b"synthetic")
