from minxin.core import crypto


class EncryptedPersonFields:
    """Read access to a person's encrypted name, ID number, phone and address.

    Mixed into every model that stores a person (信访人, 网上信访 submitter, 接访 booking):
    each keeps `<field>_enc` columns written through core.crypto plus masked copies, and
    decrypts only when a view that may show the full value asks for it.
    """

    @property
    def name(self) -> str:
        return crypto.decrypt(self.name_enc)

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_enc)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc)

    @property
    def address(self) -> str:
        return crypto.decrypt(self.address_enc)
